//! Hidden suite for `range_stream`: a stream written by hand.
//!
//! Contract: `RangeStream::new(start, end)` yields `start..end`; it is empty if
//! `start >= end`; `size_hint` is exact before, during and after, for every range
//! including `i32::MIN..i32::MAX`; it keeps returning `None` after the end; no
//! overflow or panic near `i32::MAX` or `i32::MIN`. Every call into the
//! learner's code runs under the watchdog.

// The code under test, compiled into this suite: your `exercises/src/range_stream.rs`,
// or the reference solution with `cargo test --features solutions`.
#[cfg_attr(not(feature = "solutions"), path = "../exercises/src/range_stream.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/src/range_stream.rs")]
mod range_stream;

use std::panic::{self, AssertUnwindSafe};
use std::task::Poll;

use futures::{Stream, StreamExt};
use range_stream::RangeStream;
use support::{Traced, trace};
use tokio_test::task;

/// Runs a test that polls by hand under the watchdog: a `poll_next` or
/// `size_hint` that loops instead of returning fails the test instead of
/// hanging it.
fn by_hand(body: impl FnOnce() + Send + 'static) {
    support::watchdog(
        "a call to RangeStream's `poll_next` or `size_hint` never returned. Each must \
         return at once: `poll_next` hands out one number (or None) per call, and \
         `size_hint` works the count out from `next` and `end` instead of stepping \
         through the range.",
        body,
    );
}

/// Polls `RangeStream::new(start, end)` to the end and returns its items,
/// failing with a message if it is ever `Pending`, panics, or never ends.
fn items(start: i32, end: i32) -> Vec<i32> {
    let limit = 10_000;
    let mut stream = task::spawn(trace(RangeStream::new(start, end)));
    let mut items = Vec::new();
    loop {
        match poll_once(&mut stream, &format!("in RangeStream::new({start}, {end})")) {
            Poll::Ready(Some(item)) => items.push(item),
            Poll::Ready(None) => return items,
            Poll::Pending => panic!(
                "RangeStream::new({start}, {end}) returned Pending after {items:?}. A range \
                 never has to wait for anything: return Ready(Some(n)) or Ready(None). (And a \
                 Pending without a wake-up would hang whoever awaits it.)"
            ),
        }
        assert!(
            items.len() <= limit,
            "RangeStream::new({start}, {end}) yielded more than {limit} items without \
             ending; it starts with {:?}. Does it stop when it reaches `end`? (When \
             start > end, a check like `next == end` is never true: compare with `>=`.)",
            &items[..5]
        );
    }
}

/// Polls `stream` once. If the learner's `poll_next` panics (other than at a
/// `todo!()`), the test fails with the panic and what probably caused it.
fn poll_once(stream: &mut task::Spawn<Traced<RangeStream>>, what: &str) -> Poll<Option<i32>> {
    panic::catch_unwind(AssertUnwindSafe(|| stream.poll_next())).unwrap_or_else(|payload| {
        let message = support::panic_message(&*payload);
        if message.starts_with("not yet implemented") {
            panic::resume_unwind(payload);
        }
        let advice = if message.contains("overflow") {
            "Near i32::MAX and i32::MIN, `+ 1` and `end - start` can overflow: check \
             against `end` before you add, and measure distances in a wider or unsigned type."
        } else {
            "Polling a stream should never panic, even after it has ended: once a stream \
             in this workbook has returned None, it keeps returning None (it is fused)."
        };
        panic!("poll_next panicked {what}: {message:?}. {advice}")
    })
}

#[test]
fn yields_every_number_from_start_up_to_but_not_including_end() {
    by_hand(|| {
        for (start, end) in [(0, 3), (-2, 2), (5, 6), (-10, -7)] {
            let expected: Vec<i32> = (start..end).collect();
            assert_eq!(
                items(start, end),
                expected,
                "RangeStream::new({start}, {end}) should yield exactly what the range \
                 {start}..{end} does: start included, end excluded. Off by one at either end?"
            );
        }
    });
}

#[test]
fn is_empty_when_start_is_not_below_end() {
    by_hand(|| {
        for (start, end) in [
            (0, 0),
            (5, 5),
            (3, 1),
            (i32::MAX, i32::MIN),
            (i32::MAX, i32::MAX),
        ] {
            assert_eq!(
                items(start, end),
                Vec::<i32>::new(),
                "RangeStream::new({start}, {end}) should be empty, like the range {start}..{end}: \
                 its first poll should be Ready(None)."
            );
        }
    });
}

#[test]
fn keeps_returning_none_after_the_end() {
    by_hand(|| {
        for (start, end) in [(0, 2), (4, 4), (7, 3)] {
            let mut stream = task::spawn(trace(RangeStream::new(start, end)));
            let mut yielded = 0;
            while let Poll::Ready(Some(_)) = poll_once(&mut stream, "before the end") {
                yielded += 1;
                assert!(yielded <= 2, "RangeStream::new({start}, {end}) did not end");
            }
            for extra in 1..=3 {
                assert_eq!(
                    poll_once(&mut stream, "after it had already returned None"),
                    Poll::Ready(None),
                    "RangeStream::new({start}, {end}) returned something other than None when \
                     polled {extra} time(s) after it had ended. Once a stream in this workbook has \
                     returned None it keeps returning None (it is fused), so a consumer that polls \
                     once more is safe."
                );
            }
        }
    });
}

#[test]
fn size_hint_is_exact_before_during_and_after() {
    by_hand(|| {
        for (start, end) in [(0, 4), (-3, 2), (6, 6), (9, 2)] {
            let expected_len = (start..end).len();
            let mut stream = task::spawn(trace(RangeStream::new(start, end)));
            for left in (0..=expected_len).rev() {
                let when = if left == expected_len {
                    "before the first poll".to_string()
                } else {
                    format!("after {} item(s)", expected_len - left)
                };
                assert_eq!(
                    stream.size_hint(),
                    (left, Some(left)),
                    "RangeStream::new({start}, {end}).size_hint() {when} should be \
                     ({left}, Some({left})): exactly {left} item(s) are left, and an exact \
                     hint lets a consumer reserve room up front."
                );
                let _ = poll_once(&mut stream, "inside the range");
            }
            assert_eq!(
                stream.size_hint(),
                (0, Some(0)),
                "RangeStream::new({start}, {end}).size_hint() after the end should be \
                 (0, Some(0))"
            );
        }
    });
}

#[test]
fn size_hint_is_exact_for_the_widest_range() {
    by_hand(|| {
        let widest = RangeStream::new(i32::MIN, i32::MAX);
        let len = (i32::MIN..i32::MAX).len(); // 4_294_967_295: more than i32::MAX
        let hint = panic::catch_unwind(AssertUnwindSafe(|| widest.size_hint())).unwrap_or_else(
            |payload| {
                if support::panic_message(&*payload).starts_with("not yet implemented") {
                    panic::resume_unwind(payload);
                }
                panic!(
                    "RangeStream::new(i32::MIN, i32::MAX).size_hint() panicked: `end - start` does \
                 not fit in an i32 here. Compute the distance as an unsigned or wider number \
                 (`i32::abs_diff`, or go through i64)."
                )
            },
        );
        assert_eq!(
            hint,
            (len, Some(len)),
            "RangeStream::new(i32::MIN, i32::MAX).size_hint() should be ({len}, Some({len})): \
             the distance from i32::MIN to i32::MAX does not fit in an i32."
        );
    });
}

#[test]
fn does_not_overflow_at_the_top_of_i32() {
    by_hand(|| {
        let start = i32::MAX - 3;
        let mut stream = task::spawn(trace(RangeStream::new(start, i32::MAX)));
        let mut items = Vec::new();
        for _ in 0..3 {
            match poll_once(&mut stream, "near i32::MAX") {
                Poll::Ready(Some(item)) => items.push(item),
                other => panic!(
                    "RangeStream::new(i32::MAX - 3, i32::MAX) gave {other:?} after {items:?}; \
                     expected three items"
                ),
            }
        }
        assert_eq!(items, [i32::MAX - 3, i32::MAX - 2, i32::MAX - 1]);
        for _ in 0..3 {
            assert_eq!(
                poll_once(&mut stream, "at the end, i32::MAX"),
                Poll::Ready(None),
                "RangeStream::new(i32::MAX - 3, i32::MAX) should end after i32::MAX - 1, and \
                 stay ended"
            );
        }
    });
}

#[test]
fn does_not_overflow_at_the_bottom_of_i32() {
    by_hand(|| {
        assert_eq!(
            items(i32::MIN, i32::MIN + 3),
            [i32::MIN, i32::MIN + 1, i32::MIN + 2],
            "RangeStream::new(i32::MIN, i32::MIN + 3) should yield the three lowest i32s"
        );
        let mut stream = task::spawn(trace(RangeStream::new(i32::MIN, i32::MIN + 1)));
        assert_eq!(
            stream.size_hint(),
            (1, Some(1)),
            "size_hint of RangeStream::new(i32::MIN, i32::MIN + 1)"
        );
        assert_eq!(
            poll_once(&mut stream, "at i32::MIN"),
            Poll::Ready(Some(i32::MIN))
        );
        assert_eq!(poll_once(&mut stream, "after i32::MIN"), Poll::Ready(None));
    });
}

#[test]
fn works_with_stream_combinators() {
    // The `Stream` trait is all that `StreamExt` needs: map, filter, collect...
    let evens_squared: Vec<i32> = support::watchdog(
        "RangeStream::new(0, 10), filtered, mapped and collected on an executor, never \
         finished: did poll_next return Pending without waking the task?",
        || {
            futures::executor::block_on(
                trace(RangeStream::new(0, 10))
                    .filter(|n| std::future::ready(n % 2 == 0))
                    .map(|n| n * n)
                    .collect(),
            )
        },
    );
    assert_eq!(
        evens_squared,
        [0, 4, 16, 36, 64],
        "RangeStream::new(0, 10), filtered to evens and squared"
    );
}
