//! The Futures chapter: futures are lazy, and an `async fn` is a state machine.
//!
//! `add_slowly` is an `async fn` with two `.await`s; `AddSlowly` is the same
//! future written by hand as an enum. `main` polls both by hand and checks that
//! they return the same `Poll` values, poll after poll.

use std::cell::RefCell;
use std::future::Future;
use std::pin::{Pin, pin};
use std::task::{Context, Poll};

use futures_test::task::new_count_waker;

// ANCHOR: leaf
/// A leaf future: `Pending` on its first poll, `Ready(value)` on the next.
struct YieldThen {
    value: u32,
    yielded: bool,
}

fn yield_then(value: u32) -> YieldThen {
    YieldThen {
        value,
        yielded: false,
    }
}

impl Future for YieldThen {
    type Output = u32;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        if self.yielded {
            return Poll::Ready(self.value);
        }
        self.yielded = true;
        // `Pending` promises that the task will be woken when it is worth
        // polling again. Nothing else knows about this future, so it keeps
        // the promise itself, at once (see the Wakers chapter).
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
// ANCHOR_END: leaf

// ANCHOR: async_fn
async fn add_slowly(a: u32, b: u32) -> u32 {
    let x = yield_then(a).await;
    let y = yield_then(b).await;
    x + y
}
// ANCHOR_END: async_fn

// ANCHOR: state_machine
/// `add_slowly` written by hand: one variant per place the function can be
/// paused, holding exactly what the rest of the function still needs.
enum AddSlowly {
    /// Created but never polled: only the arguments exist.
    Start { a: u32, b: u32 },
    /// Paused at the first `.await`. `b` is needed later, so it is kept.
    AwaitingX { fut: YieldThen, b: u32 },
    /// Paused at the second `.await`. `x` is needed for the sum.
    AwaitingY { x: u32, fut: YieldThen },
    /// Returned `Ready`. Polling again is a bug in the caller.
    Done,
}

/// Like calling the `async fn`: builds the state machine and runs nothing.
fn add_slowly_by_hand(a: u32, b: u32) -> AddSlowly {
    AddSlowly::Start { a, b }
}

impl Future for AddSlowly {
    type Output = u32;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        // Every field is `Unpin`, so `AddSlowly` is too, and we may treat the
        // `Pin<&mut Self>` as a plain `&mut Self`.
        let this = &mut *self;
        // One poll runs as far as it can: through as many states as it takes,
        // until an inner future is `Pending` or the function returns.
        loop {
            match this {
                AddSlowly::Start { a, b } => {
                    // The code before the first `.await`: build the inner future.
                    *this = AddSlowly::AwaitingX {
                        fut: yield_then(*a),
                        b: *b,
                    };
                }
                AddSlowly::AwaitingX { fut, b } => {
                    // `.await`: poll the inner future. If it is `Pending`, so
                    // are we; the state stays as it is for the next poll.
                    let x = match Pin::new(fut).poll(cx) {
                        Poll::Pending => return Poll::Pending,
                        Poll::Ready(x) => x,
                    };
                    // Ready: run on to the second `.await`.
                    *this = AddSlowly::AwaitingY {
                        x,
                        fut: yield_then(*b),
                    };
                }
                AddSlowly::AwaitingY { x, fut } => {
                    let y = match Pin::new(fut).poll(cx) {
                        Poll::Pending => return Poll::Pending,
                        Poll::Ready(y) => y,
                    };
                    let sum = *x + y;
                    *this = AddSlowly::Done;
                    return Poll::Ready(sum);
                }
                AddSlowly::Done => panic!("`AddSlowly` polled after it returned `Ready`"),
            }
        }
    }
}
// ANCHOR_END: state_machine

// ANCHOR: trace
/// Polls `future` to completion and returns what every poll returned.
///
/// A stand-in for an executor, with one of its rules: it polls again only
/// after the future's waker was woken. Here the futures wake themselves during
/// `poll`, so there is never anything to wait for.
fn trace<F: Future>(future: F) -> Vec<Poll<F::Output>> {
    let mut future = pin!(future);
    let (waker, wake_count) = new_count_waker();
    let mut cx = Context::from_waker(&waker);
    let mut polls = Vec::new();
    loop {
        let wakes_before = wake_count.get();
        let result = future.as_mut().poll(&mut cx);
        let pending = result.is_pending();
        polls.push(result);
        if !pending {
            return polls;
        }
        assert!(
            wake_count.get() > wakes_before,
            "Pending without a wake-up: an executor would never poll again"
        );
    }
}
// ANCHOR_END: trace

// ANCHOR: lazy
async fn log_and_return(log: &RefCell<Vec<&'static str>>) -> u32 {
    log.borrow_mut().push("body ran");
    42
}

fn laziness() {
    let log = RefCell::new(Vec::new());

    // Calling the async fn builds a future; none of its body runs.
    let future = log_and_return(&log);
    assert!(log.borrow().is_empty());

    // Dropping a future that was never polled: its body never runs at all.
    drop(log_and_return(&log));
    assert!(log.borrow().is_empty());

    // Polling it (here through an executor) is what runs the body.
    assert_eq!(futures::executor::block_on(future), 42);
    assert_eq!(*log.borrow(), ["body ran"]);
}
// ANCHOR_END: lazy

// ANCHOR: compare
fn compare() {
    let by_compiler = trace(add_slowly(2, 3));
    let by_hand = trace(add_slowly_by_hand(2, 3));
    // Poll 1 stops at the first `.await`, poll 2 at the second, poll 3 returns.
    assert_eq!(by_compiler, [Poll::Pending, Poll::Pending, Poll::Ready(5)]);
    assert_eq!(by_hand, by_compiler);
}
// ANCHOR_END: compare

fn main() {
    laziness();
    compare();
}
