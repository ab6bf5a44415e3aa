//! Hidden suite for `merge_fair`: many streams merged into one, fairly.
//!
//! Contract: `MergeFair::new(inputs)` yields every item of every input, each
//! input's items in their order. When every input always has an item ready,
//! the items come out in rotation: any `n` consecutive items (with `n` live
//! inputs) hold one item of each. An input that ends drops out and is never
//! polled again; the merge ends when every input has ended (at once with no
//! inputs) and keeps returning `None`. It returns `Pending` only when no live
//! input had an item, and then wakes the waker of its latest poll as soon as
//! any input has one; it does not keep waking itself while it waits (a few
//! spurious wake-ups are allowed). `size_hint` adds up the live inputs'.
//! The merge holds no items of its own: dropped at any point, it has lost
//! none (each item was yielded or is still in its input). `MergeFair<S>` is
//! `Unpin` when `S` is.
//!
//! Every call into the merge runs under the watchdog: a `poll_next` that
//! never returns fails the test in seconds instead of hanging it.

// The code under test, compiled into this suite: your `exercises/src/merge_fair.rs`,
// or the reference solution with `cargo test --features solutions`.
#[cfg_attr(not(feature = "solutions"), path = "../exercises/src/merge_fair.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/src/merge_fair.rs")]
mod merge_fair;

use std::cell::RefCell;
use std::collections::VecDeque;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};

use futures::channel::mpsc;
use futures::executor::block_on;
use futures::stream::{self, BoxStream};
use futures::{Stream, StreamExt};
use merge_fair::MergeFair;
use support::{Traced, trace};
use tokio_test::task;

const NEVER_RETURNED: &str = "a call to MergeFair's `poll_next` or `size_hint` never returned. \
    Each must return at once: give each live input one turn (one `poll_next`), and return \
    Pending if none had an item; never loop until an item comes";

/// An input stream of numbers, as the merge sees it.
type Input = BoxStream<'static, u32>;

/// `count` items of input `k`: `k * 1000`, `k * 1000 + 1`, …
fn numbers(k: u32, count: u32) -> Input {
    stream::iter((0..count).map(move |i| k * 1000 + i)).boxed()
}

/// Input `k` as an endless stream that always has an item ready.
fn endless(k: u32) -> Input {
    stream::iter((0..).map(move |i| k * 1000 + i)).boxed()
}

/// Which input an item came from (see [`numbers`]).
fn source(item: u32) -> u32 {
    item / 1000
}

/// Wraps an input: counts its polls, and fails the test if it is polled again
/// after it ended, which many streams do not allow.
struct Strict {
    inner: Input,
    name: &'static str,
    ended: bool,
    polls: Arc<AtomicUsize>,
}

fn strict(name: &'static str, inner: Input) -> (Input, Arc<AtomicUsize>) {
    let polls = Arc::new(AtomicUsize::new(0));
    let input = Strict {
        inner,
        name,
        ended: false,
        polls: Arc::clone(&polls),
    };
    (input.boxed(), polls)
}

impl Stream for Strict {
    type Item = u32;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<u32>> {
        assert!(
            !self.ended,
            "input {} was polled again after it had ended (returned None). An input that ends \
             drops out of the merge: forget it, and never poll it again (many streams panic or \
             misbehave when polled after their end).",
            self.name
        );
        self.polls.fetch_add(1, Ordering::SeqCst);
        let next = self.inner.poll_next_unpin(cx);
        if let Poll::Ready(None) = next {
            self.ended = true;
        }
        next
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

/// The first `count` items of the merge of `inputs`, under the watchdog.
fn first_items(inputs: Vec<Input>, count: usize) -> Vec<u32> {
    support::watchdog(NEVER_RETURNED, move || {
        block_on(trace(MergeFair::new(inputs)).take(count).collect())
    })
}

#[test]
fn yields_every_item_of_every_input_each_in_its_order() {
    let got = support::watchdog(NEVER_RETURNED, || {
        block_on(
            trace(MergeFair::new(vec![
                numbers(1, 3),
                numbers(2, 5),
                numbers(3, 1),
            ]))
            .collect::<Vec<_>>(),
        )
    });
    for k in 1..=3 {
        let from_k: Vec<u32> = got.iter().copied().filter(|&i| source(i) == k).collect();
        let expected: Vec<u32> = (0..[0, 3, 5, 1][k as usize])
            .map(|i| k * 1000 + i)
            .collect();
        assert_eq!(
            from_k, expected,
            "the items of input {k}, in the order the merge gave them (all items: {got:?}). \
             Every item of every input must come out exactly once, each input's items in \
             their own order."
        );
    }
}

#[test]
fn always_ready_inputs_take_turns_one_item_each() {
    let got = first_items(vec![endless(1), endless(2), endless(3)], 30);
    let sources: Vec<u32> = got.iter().map(|&i| source(i)).collect();
    // Which way the turns went wrong.
    let diagnosis = match sources.first() {
        Some(&first) if sources.iter().all(|&k| k == first) => {
            format!("Every item came from input {first}: it starved the others.")
        }
        _ => "The inputs came out in no fixed rotation: one gave several items in a row \
              while another, ready too, waited."
            .to_owned(),
    };
    for (at, window) in sources.windows(3).enumerate() {
        let mut turn = window.to_vec();
        turn.sort_unstable();
        assert_eq!(
            turn,
            [1, 2, 3],
            "items {at}..{} came from inputs {window:?}; with three inputs that always have an \
             item ready, any three items in a row must hold one item of each input (they take \
             turns). Inputs in order of the first 30 items: {sources:?}. {diagnosis} Polling \
             the inputs in the same order on every call lets the first one starve the others: \
             start each call with the input after the one that gave the last item.",
            at + 3
        );
    }
}

#[test]
fn an_input_that_ends_drops_out_and_is_never_polled_again() {
    let (short, _) = strict("A (2 items)", numbers(1, 2));
    let got = first_items(vec![short, endless(2), endless(3)], 20);
    let sources: Vec<u32> = got.iter().map(|&i| source(i)).collect();
    assert_eq!(
        got.len(),
        20,
        "the merge ended after {} items, when input 1 ended, but inputs 2 and 3 never end: \
         {sources:?}. An input that ends drops out, and the merge goes on with the others \
         until every input has ended.",
        got.len()
    );
    assert_eq!(
        got.iter().filter(|&&i| source(i) == 1).count(),
        2,
        "both items of the input that ends come out: {sources:?}"
    );
    // Once input 1 is gone, the two others take turns.
    let last = sources.iter().rposition(|&k| k == 1).unwrap();
    for window in sources[last + 1..].windows(2) {
        assert_ne!(
            window[0], window[1],
            "after input 1 ended, inputs 2 and 3 must take turns (one item each), but got \
             {sources:?}. An input that ends drops out; the merge goes on with the others."
        );
    }
}

#[test]
fn ends_when_every_input_has_ended_and_keeps_returning_none() {
    let (a, _) = strict("A", numbers(1, 2));
    let (b, _) = strict("B", numbers(2, 1));
    support::watchdog(NEVER_RETURNED, move || {
        let mut merge = task::spawn(trace(MergeFair::new(vec![a, b])));
        let mut items = Vec::new();
        for _ in 0..3 {
            match merge.poll_next() {
                Poll::Ready(Some(item)) => items.push(item),
                other => panic!(
                    "with 3 items ready in its inputs, poll {} gave {other:?} instead of an item",
                    items.len() + 1
                ),
            }
        }
        for call in 1..=3 {
            assert_eq!(
                merge.poll_next(),
                Poll::Ready(None),
                "call {call} after the last item: both inputs have ended, so the merge has \
                 ended, and it keeps returning None (a stream that ended must not return \
                 Pending, which would leave its consumer waiting forever)"
            );
        }
    });
}

#[test]
fn no_inputs_is_over_at_once() {
    support::watchdog(NEVER_RETURNED, || {
        let mut merge = task::spawn(trace(MergeFair::new(Vec::<Input>::new())));
        assert_eq!(
            merge.poll_next(),
            Poll::Ready(None),
            "a merge of no inputs has nothing to wait for: None on the first poll"
        );
        assert_eq!(merge.poll_next(), Poll::Ready(None), "and None again after");
    });
}

#[test]
fn a_quiet_input_does_not_hold_back_the_others() {
    support::watchdog(NEVER_RETURNED, || {
        // Input 1 never has an item; the others do.
        let (_quiet_tx, quiet) = mpsc::unbounded::<u32>();
        let mut merge = task::spawn(trace(MergeFair::new(vec![
            quiet.boxed(),
            numbers(2, 2),
            numbers(3, 2),
        ])));
        for n in 1..=4 {
            assert!(
                matches!(merge.poll_next(), Poll::Ready(Some(_))),
                "poll {n}: input 1 has nothing yet, but inputs 2 and 3 have items ready. The \
                 merge returns Pending only when no live input had an item: when one input is \
                 Pending, go on to the next one in the same call."
            );
        }
    });
}

#[test]
fn an_always_ready_input_does_not_starve_a_channel() {
    support::watchdog(NEVER_RETURNED, || {
        let (tx, rx) = mpsc::unbounded::<u32>();
        let mut merge = task::spawn(trace(MergeFair::new(vec![endless(1), rx.boxed()])));
        for _ in 0..5 {
            let _ = merge.poll_next();
        }
        tx.unbounded_send(2000).unwrap();
        let next_two = [merge.poll_next(), merge.poll_next()];
        assert!(
            next_two.contains(&Poll::Ready(Some(2000))),
            "an item was sent on input 2 while input 1 always has items; one of the next two \
             items must be input 2's, but they were {next_two:?}. Input 1 starves input 2: \
             each call must start with the input after the one that gave the last item, not \
             always with the first (that is strict priority)."
        );
    });
}

#[test]
fn is_woken_when_a_quiet_input_gets_an_item() {
    support::watchdog(NEVER_RETURNED, || {
        let (tx1, rx1) = mpsc::unbounded::<u32>();
        let (tx2, rx2) = mpsc::unbounded::<u32>();
        let (tx3, rx3) = mpsc::unbounded::<u32>();
        let mut merge = task::spawn(trace(MergeFair::new(vec![
            rx1.boxed(),
            rx2.boxed(),
            rx3.boxed(),
        ])));
        assert_eq!(
            settle(&mut merge),
            Poll::Pending,
            "no input has an item yet, so the merge must return Pending"
        );
        tx3.unbounded_send(3000).unwrap();
        assert!(
            merge.is_woken(),
            "the merge returned Pending, then input 3 got an item, but the task was not \
             woken: a lost wake-up. Pending is a promise to wake the task; poll every live \
             input with `cx` before returning Pending, so that each one wakes the task when \
             it has an item."
        );
        assert_eq!(
            merge.poll_next(),
            Poll::Ready(Some(3000)),
            "woken by input 3, the next poll gives its item"
        );
        drop((tx1, tx2));
    });
}

/// Polls until the merge returns Pending without having woken itself (a few
/// spurious wake-ups are allowed), and returns that result; fails the test
/// if it keeps waking itself.
fn settle(merge: &mut task::Spawn<Traced<MergeFair<Input>>>) -> Poll<Option<u32>> {
    for _ in 0..5 {
        let result = merge.poll_next();
        if result.is_ready() || !merge.is_woken() {
            return result;
        }
    }
    panic!(
        "the merge returned Pending and woke its own task, 5 times in a row, with no input \
         having an item: a busy loop (it will be polled again and again, burning a core, \
         while it waits). Return Pending without waking: the inputs wake the task when they \
         have an item."
    )
}

#[test]
fn does_not_wake_itself_while_every_input_is_quiet() {
    support::watchdog(NEVER_RETURNED, || {
        let (_tx1, rx1) = mpsc::unbounded::<u32>();
        let (_tx2, rx2) = mpsc::unbounded::<u32>();
        let mut merge = task::spawn(trace(MergeFair::new(vec![rx1.boxed(), rx2.boxed()])));
        assert_eq!(settle(&mut merge), Poll::Pending);
    });
}

#[test]
fn wakes_the_waker_of_its_latest_poll() {
    support::watchdog(NEVER_RETURNED, || {
        let (tx, rx) = mpsc::unbounded::<u32>();
        let (_quiet_tx, quiet) = mpsc::unbounded::<u32>();
        let merge = trace(MergeFair::new(vec![quiet.boxed(), rx.boxed()]));
        // Polled by one task, then moved to another (as `select!` or a
        // combinator may do): the second task is the one waiting now.
        let mut first = task::spawn(merge);
        assert_eq!(
            settle(&mut first),
            Poll::Pending,
            "no input has an item yet"
        );
        let mut second = task::spawn(first.into_inner());
        assert_eq!(settle(&mut second), Poll::Pending, "still nothing");
        tx.unbounded_send(2000).unwrap();
        assert!(
            second.is_woken(),
            "an input got an item, but the task that polled the merge last was not woken: \
             the waker of every poll's `cx` must reach the inputs (poll them with this \
             poll's `cx`, not a waker kept from an earlier poll)"
        );
    });
}

#[test]
fn size_hint_adds_up_the_live_inputs() {
    support::watchdog(NEVER_RETURNED, || {
        let mut merge = trace(MergeFair::new(vec![numbers(1, 3), numbers(2, 4)]));
        let hint = merge.size_hint();
        let diagnosis = match hint {
            (0, None) => {
                "(0, None) is `Stream`'s default `size_hint`, which says nothing: implement \
                 it, from the inputs' own hints."
            }
            (2, Some(2)) => {
                "(2, Some(2)) is the number of inputs, not of the items they hold: add up \
                 each input's own `size_hint()`."
            }
            _ => "",
        };
        assert_eq!(
            hint,
            (7, Some(7)),
            "inputs of exactly 3 and 4 items: the merge has exactly 7 (add up the inputs' \
             lower bounds, and their upper bounds). {diagnosis}"
        );
        let _ = block_on(merge.next());
        assert_eq!(
            merge.size_hint(),
            (6, Some(6)),
            "after one item, 6 are left"
        );
        while block_on(merge.next()).is_some() {}
        assert_eq!(
            merge.size_hint(),
            (0, Some(0)),
            "after the end, nothing is left: (0, Some(0))"
        );
        let endless_one = MergeFair::new(vec![numbers(1, 3), stream::repeat(7).boxed()]);
        let (low, high) = endless_one.size_hint();
        assert_eq!(
            high, None,
            "one input has no upper bound (it never ends), so the merge has none either"
        );
        assert!(
            low >= 3,
            "the lower bound is at least the finite input's 3 items, got {low}"
        );
    });
}

#[test]
fn works_with_stream_combinators_and_is_unpin() {
    fn assert_unpin<T: Unpin>(value: T) -> T {
        value
    }
    let total = support::watchdog(NEVER_RETURNED, || {
        let merge = assert_unpin(MergeFair::new(vec![numbers(1, 10), numbers(2, 10)]));
        block_on(
            merge
                .filter(|i| futures::future::ready(i % 2 == 0))
                .map(u64::from)
                .fold(0u64, |sum, i| async move { sum + i }),
        )
    });
    let expected: u64 = (0..10)
        .filter(|i| i % 2 == 0)
        .map(|i| 1000 + i + 2000 + i)
        .sum();
    assert_eq!(
        total, expected,
        "the even items of two inputs, summed through filter/map/fold"
    );
}

/// An input that is not `Send` (it holds an `Rc`), so boxed without the
/// `Send` of [`Input`].
type LocalInput = Pin<Box<dyn Stream<Item = u32>>>;

/// The items an input still holds, where the test can see them.
type Queue = Rc<RefCell<VecDeque<u32>>>;

/// Three inputs of three items each, backed by queues that the test can
/// still look into after the merge (and the inputs in it) are dropped.
fn shared_inputs() -> (Vec<Queue>, Vec<LocalInput>) {
    let queues: Vec<_> = (1..=3u32)
        .map(|k| {
            Rc::new(RefCell::new(
                (0..3).map(|i| k * 1000 + i).collect::<VecDeque<_>>(),
            ))
        })
        .collect();
    let inputs = queues
        .iter()
        .map(|queue| {
            let queue = Rc::clone(queue);
            let input: LocalInput = Box::pin(stream::poll_fn(move |_| {
                Poll::Ready(queue.borrow_mut().pop_front())
            }));
            input
        })
        .collect();
    (queues, inputs)
}

#[test]
fn dropping_the_merge_at_any_point_loses_no_item() {
    support::drop_after_each_poll(
        "a consumer of the merge that takes its items one poll at a time",
        100,
        || {
            let (queues, inputs) = shared_inputs();
            let taken = Rc::new(RefCell::new(Vec::new()));
            let consumer = {
                let taken = Rc::clone(&taken);
                async move {
                    let mut merge = trace(MergeFair::new(inputs));
                    while let Some(item) = merge.next().await {
                        taken.borrow_mut().push(item);
                        // One item per poll of the consumer: a drop can
                        // come between any two items.
                        tokio::task::yield_now().await;
                    }
                }
            };
            ((queues, taken), consumer)
        },
        |(queues, taken), how| {
            let taken = taken.borrow();
            let left: usize = queues.iter().map(|queue| queue.borrow().len()).sum();
            assert_eq!(
                taken.len() + left,
                9,
                "the merge was dropped ({how:?}) after yielding {taken:?}, with {left} item(s) \
                 left in its inputs: {} of the 9 items are gone. A merge holds no items of its \
                 own: take an item from an input only to yield it at once (a merge that pulls \
                 ahead into a buffer of its own loses that buffer when it is dropped, as \
                 `select!` and `timeout` drop futures).",
                9 - taken.len() - left
            );
        },
    );
}
