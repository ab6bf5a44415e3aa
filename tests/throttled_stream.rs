//! Hidden suite for `throttled_stream`: at most one item per `delay`.
//!
//! Contract: with upstream items available at virtual instants a₀, a₁, …, items
//! are emitted at e₀ = a₀ and eₖ = max(eₖ₋₁ + delay, aₖ): the first item is not
//! delayed and a slow upstream adds no extra wait; no item is lost; the stream
//! may fetch the next item early and hold it; when upstream ends it yields
//! `None` (at once or after the current delay); while it waits it neither
//! spins nor loses the wake-up. `ThrottledStream<S>` is `Unpin` when `S` is.
//!
//! Everything runs on tokio's paused clock: sleeps end instantly, in order, and
//! every timestamp below is exact virtual time in milliseconds since the start.
//! The upstream is a channel fed at fixed virtual instants, so every correct
//! design gives the same emission times.

// The code under test, compiled into this suite: your `exercises/src/throttled_stream.rs`,
// or the reference solution with `cargo test --features solutions`.
#[cfg_attr(
    not(feature = "solutions"),
    path = "../exercises/src/throttled_stream.rs"
)]
#[cfg_attr(feature = "solutions", path = "../solutions/src/throttled_stream.rs")]
mod throttled_stream;

use std::time::Duration;

use futures::{Stream, StreamExt, stream};
use support::trace;
use throttled_stream::ThrottledStream;
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep_until};
use tokio_stream::wrappers::ReceiverStream;
use tokio_test::task;

const SPIN_OR_LOST: &str = "the throttled stream never finished (while it waits, poll_next \
    must poll its `Sleep` or the upstream with `cx`, and return Pending without waking itself)";

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// The item numbers and emission times (ms) of a `ThrottledStream` with
/// `delay_ms`, whose upstream item `k` becomes available at `arrivals[k]` ms,
/// and the time at which the stream ended.
fn emissions(arrivals: &[u64], delay_ms: u64) -> (Vec<(usize, u64)>, u64) {
    let arrivals = arrivals.to_vec();
    support::paused(SPIN_OR_LOST, move || async move {
        let start = Instant::now();
        let since_start = move || (Instant::now() - start).as_millis() as u64;
        let (tx, rx) = mpsc::channel(arrivals.len().max(1));
        tokio::spawn(async move {
            for (k, at) in arrivals.into_iter().enumerate() {
                sleep_until(start + ms(at)).await;
                tx.send(k).await.expect("the test keeps the stream alive");
            }
        });
        let mut throttled = spin_guard(trace(ThrottledStream::new(
            ReceiverStream::new(rx),
            ms(delay_ms),
        )));
        let mut emitted = Vec::new();
        while let Some(k) = throttled.next().await {
            emitted.push((k, since_start()));
        }
        (emitted, since_start())
    })
}

/// Passes `stream` through, but fails the test with a message if it is polled
/// absurdly often: a stream that wakes itself while it waits would otherwise
/// keep the paused clock frozen and the test running until the watchdog ends it.
fn spin_guard<S: Stream + Unpin>(mut stream: S) -> impl Stream<Item = S::Item> + Unpin {
    let mut polls = 0u32;
    stream::poll_fn(move |cx| {
        polls += 1;
        assert!(
            polls < 100_000,
            "poll_next was called {polls} times without the paused clock moving on: it wakes \
             its own task while it waits (a busy loop). Return Pending only after polling \
             the Sleep or the upstream with `cx`: they wake the task when there is progress."
        );
        stream.poll_next_unpin(cx)
    })
}

/// What the contract says: e₀ = a₀, eₖ = max(eₖ₋₁ + d, aₖ).
fn expected(arrivals: &[u64], delay_ms: u64) -> Vec<(usize, u64)> {
    let mut last: Option<u64> = None;
    arrivals
        .iter()
        .enumerate()
        .map(|(k, &at)| {
            let emit = last.map_or(at, |previous| at.max(previous + delay_ms));
            last = Some(emit);
            (k, emit)
        })
        .collect()
}

/// Item numbers, for messages.
fn order(emitted: &[(usize, u64)]) -> Vec<usize> {
    emitted.iter().map(|&(k, _)| k).collect()
}

/// Emission times, for messages.
fn times(emitted: &[(usize, u64)]) -> Vec<u64> {
    emitted.iter().map(|&(_, at)| at).collect()
}

fn assert_items_all_there(emitted: &[(usize, u64)], count: usize) {
    assert_eq!(
        order(emitted),
        (0..count).collect::<Vec<_>>(),
        "the upstream sent items 0..{count}; the throttled stream must yield each of them \
         once, in order, before it ends (throttling delays items, it never drops them)"
    );
}

#[test]
fn a_ready_upstream_is_emitted_at_0_d_2d_3d_4d() {
    let (emitted, _) = emissions(&[0, 0, 0, 0, 0], 100);
    assert_items_all_there(&emitted, 5);
    assert_eq!(
        times(&emitted),
        [0, 100, 200, 300, 400],
        "five items ready at 0 ms, delay 100 ms: they should go out at 0, 100, 200, 300 and \
         400 ms (ms since the start, paused clock). The first at once, then one per delay."
    );
}

#[test]
fn first_item_is_not_delayed() {
    for first_arrival in [0, 30] {
        let (emitted, _) = emissions(&[first_arrival], 100);
        assert_items_all_there(&emitted, 1);
        assert_eq!(
            times(&emitted),
            [first_arrival],
            "the first item arrived at {first_arrival} ms; nothing went out before it, so \
             it should go out at once, at {first_arrival} ms. The delay separates an item \
             from the one before; start the Sleep after an item goes out, not before."
        );
    }
}

#[test]
fn a_slow_upstream_adds_no_extra_wait() {
    let arrivals = [0, 250, 260, 700];
    let (emitted, _) = emissions(&arrivals, 100);
    assert_items_all_there(&emitted, arrivals.len());
    let got = times(&emitted);
    let expected = [0, 250, 350, 700];
    // What the times say about the code, for the three classic ways to get
    // them wrong.
    let mut after_arrival = Vec::new();
    for &arrival in &arrivals {
        let previous = after_arrival.last().copied().unwrap_or(0);
        after_arrival.push(arrival.max(previous) + 100);
    }
    let diagnosis = if got[0] != expected[0] && got[1..] == expected[1..] {
        "Only the first item was late: the later ones kept to the rule. Nothing went out \
         before the first item, so no delay comes before it."
    } else if got == after_arrival {
        "Each item went out a whole delay after it arrived (or after the one before): a \
         slow upstream is delayed twice. Wait only for what is left of the delay since the \
         last item went out."
    } else if got.iter().all(|t| t % 100 == 0) && got != expected {
        "Every item went out on a tick of a fixed grid, a multiple of the delay since the \
         start: an `Interval`'s ticks are counted from when they were due, not from the \
         last item. Start a `Sleep` when an item goes out."
    } else {
        ""
    };
    assert_eq!(
        got, expected,
        "items arrived at {arrivals:?} ms, delay 100 ms. An item goes out `delay` after \
         the one before or when it arrives, whichever is later: 250 (it arrived after 0 + \
         100), 350 (250 + 100 is later than its arrival at 260), 700. {diagnosis}"
    );
}

#[test]
fn follows_e_k_equals_max_of_previous_plus_delay_and_arrival() {
    // A mix of bursts and pauses: 40 items, arrival gaps of 0 to 140 ms.
    let arrivals: Vec<u64> = (0..40u64)
        .scan(0, |at, k| {
            *at += (k * 37) % 150 / 10 * 10;
            Some(*at)
        })
        .collect();
    let (emitted, _) = emissions(&arrivals, 60);
    assert_items_all_there(&emitted, arrivals.len());
    let want = expected(&arrivals, 60);
    let first_wrong = emitted
        .iter()
        .zip(&want)
        .position(|(got, want)| got != want);
    if let Some(k) = first_wrong {
        panic!(
            "item {k} went out at {} ms; expected {} ms. With items arriving at {:?} ms and a \
             delay of 60 ms, item k goes out at max(previous emission + delay, its arrival). \
             Emitted: {:?}",
            emitted[k].1,
            want[k].1,
            &arrivals[..=k],
            &times(&emitted)[..=k]
        );
    }
}

#[test]
fn ends_when_the_upstream_ends() {
    let (emitted, ended_at) = emissions(&[0, 0, 10], 100);
    assert_items_all_there(&emitted, 3);
    assert_eq!(times(&emitted), [0, 100, 200]);
    assert!(
        ended_at <= 300,
        "the upstream ended right after its last item (emitted at 200 ms), but the \
         throttled stream only ended at {ended_at} ms. It may end at once or after the \
         current delay (300 ms), not later."
    );
}

#[test]
fn zero_delay_passes_everything_straight_through() {
    let arrivals = [0, 0, 0, 15, 15, 40];
    let (emitted, _) = emissions(&arrivals, 0);
    assert_items_all_there(&emitted, arrivals.len());
    assert_eq!(
        times(&emitted),
        arrivals,
        "with a delay of 0, every item should go out the moment it arrives: no throttling"
    );

    let all: Vec<u32> = support::paused(SPIN_OR_LOST, || async {
        let start = Instant::now();
        let all = spin_guard(trace(ThrottledStream::new(
            stream::iter(0..1000),
            Duration::ZERO,
        )))
        .collect::<Vec<_>>()
        .await;
        assert_eq!(
            Instant::now() - start,
            Duration::ZERO,
            "1000 ready items with a delay of 0 took virtual time to pass through: with no \
             delay there is nothing to wait for, not even a Sleep of 0 (tokio's timer rounds \
             up to the next millisecond)"
        );
        all
    });
    assert!(all.into_iter().eq(0..1000), "every item, in order");
}

#[test]
fn waits_without_spinning_and_is_woken_when_the_delay_is_over() {
    support::paused(SPIN_OR_LOST, || async {
        let mut throttled = task::spawn(trace(ThrottledStream::new(
            stream::iter([1, 2, 3]),
            ms(100),
        )));
        assert_eq!(
            throttled.poll_next(),
            std::task::Poll::Ready(Some(1)),
            "the first item of a ready upstream should go out on the first poll"
        );
        assert!(
            throttled.poll_next().is_pending(),
            "right after the first item, the second must wait for the delay: Pending"
        );
        assert!(
            !throttled.is_woken(),
            "poll_next returned Pending while waiting for the delay, and woke its own task \
             at once: a busy loop. The executor polls it again and again for the whole \
             delay, burning a core. Poll the Sleep instead: it wakes the task when it is due."
        );
        tokio::time::advance(ms(99)).await;
        assert!(
            !throttled.is_woken(),
            "the task was woken 99 ms into a 100 ms delay: too early, wake-ups should mean \
             the item may go out"
        );
        tokio::time::advance(ms(1)).await;
        assert!(
            throttled.is_woken(),
            "the 100 ms delay is over, but the task was not woken: a lost wake-up, and an \
             awaiting consumer would hang. Returning Pending is only safe after polling \
             something that registered `cx`'s waker: here, the Sleep (`sleep.as_mut().poll(cx)`)."
        );
        assert_eq!(
            throttled.poll_next(),
            std::task::Poll::Ready(Some(2)),
            "after the delay, the second item should go out"
        );
    });
}

#[test]
fn a_pending_upstream_wakes_the_consumer() {
    support::paused(SPIN_OR_LOST, || async {
        let (tx, rx) = mpsc::channel(4);
        let mut throttled = task::spawn(trace(ThrottledStream::new(
            ReceiverStream::new(rx),
            ms(100),
        )));
        assert!(
            throttled.poll_next().is_pending(),
            "the upstream has no item yet: the throttled stream should be Pending"
        );
        assert!(
            !throttled.is_woken(),
            "the upstream is Pending and the throttled stream woke its own task: a busy \
             loop. Pass `cx` to the upstream and return its Pending: it wakes the task."
        );
        tx.send(7).await.unwrap();
        assert!(
            throttled.is_woken(),
            "the upstream was Pending, then got an item, but the consumer's task was not \
             woken: poll the upstream with the same `cx` you were given, so its wake-up \
             reaches the consumer."
        );
        assert_eq!(throttled.poll_next(), std::task::Poll::Ready(Some(7)));
    });
}

#[test]
fn polls_a_bounded_number_of_times_per_item() {
    let polls = support::paused(SPIN_OR_LOST, || async {
        let mut polls = 0;
        let mut throttled = trace(ThrottledStream::new(stream::iter(0..5), ms(100)));
        let mut items = 0;
        std::future::poll_fn(|cx| {
            loop {
                polls += 1;
                match std::pin::Pin::new(&mut throttled).poll_next(cx) {
                    std::task::Poll::Ready(Some(_)) => items += 1,
                    std::task::Poll::Ready(None) => return std::task::Poll::Ready(()),
                    std::task::Poll::Pending => return std::task::Poll::Pending,
                }
            }
        })
        .await;
        assert_eq!(items, 5, "every item should come through");
        polls
    });
    assert!(
        polls <= 3 * 5 + 2,
        "5 items throttled to one per 100 ms took {polls} polls; a stream that waits on \
         its timer needs about two per item (one that starts waiting, one when woken). \
         Many more means it is woken while nothing has changed: a busy loop."
    );
}

#[test]
fn is_unpin_when_its_upstream_is() {
    fn assert_unpin<T: Unpin>(_: &T) {}
    let items: Vec<u8> = support::paused(SPIN_OR_LOST, || async {
        let (tx, rx) = mpsc::channel(1);
        let throttled = ThrottledStream::new(ReceiverStream::new(rx), ms(10));
        // Compiles only if `ThrottledStream<ReceiverStream<_>>` is `Unpin`.
        assert_unpin(&throttled);
        tx.send(1).await.unwrap();
        drop(tx);
        // `spin_guard` (like `next()`) needs `Unpin`: no pinning by the caller.
        let mut throttled = spin_guard(trace(throttled));
        let mut items = Vec::new();
        while let Some(item) = throttled.next().await {
            items.push(item);
        }
        items
    });
    assert_eq!(items, [1]);
}
