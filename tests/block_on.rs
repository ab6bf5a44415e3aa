//! Hidden suite for `block_on`: the smallest useful executor.
//!
//! Contract: `block_on(future)` returns the future's output. While the future is
//! `Pending` it parks the thread; a wake from any thread resumes it; a wake that
//! arrives during the poll or before the thread parks is not lost; it never
//! spins: a future woken once is polled a small, bounded number of times.

// The code under test, compiled into this suite: your `exercises/src/block_on.rs`,
// or the reference solution with `cargo test --features solutions`.
#[cfg_attr(not(feature = "solutions"), path = "../exercises/src/block_on.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/src/block_on.rs")]
mod block_on;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::thread;
use std::time::Duration;

use block_on::block_on;
use futures_test::future::FutureTestExt;

/// Runs `block_on(future)` on its own thread under a watchdog.
fn run<F>(future: F, on_hang: &str) -> F::Output
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    support::watchdog(on_hang, move || block_on(future))
}

/// Where a test future wakes its waker the one time it returns `Pending`.
#[derive(Clone, Copy, Debug)]
enum WakeFrom {
    /// Inside `poll`, before returning `Pending`.
    WithinPoll,
    /// From another thread, which has finished waking before `poll` returns.
    OtherThreadBeforeReturning,
    /// From another thread, after a delay.
    OtherThreadAfter(Duration),
}

/// Returns `Pending` once, arranges exactly one wake-up as `wake` says, then
/// returns `Ready(output)`. Counts how often it is polled.
struct WakeOnce {
    wake: WakeFrom,
    output: u32,
    polls: Arc<AtomicUsize>,
    woken: Arc<std::sync::atomic::AtomicBool>,
}

impl WakeOnce {
    fn new(wake: WakeFrom, output: u32) -> (Self, Arc<AtomicUsize>) {
        let polls = Arc::new(AtomicUsize::new(0));
        let future = Self {
            wake,
            output,
            polls: Arc::clone(&polls),
            woken: Default::default(),
        };
        (future, polls)
    }
}

impl Future for WakeOnce {
    type Output = u32;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        let polls = self.polls.fetch_add(1, Ordering::SeqCst) + 1;
        if self.woken.load(Ordering::SeqCst) {
            return Poll::Ready(self.output);
        }
        if polls > 1 {
            // Polled again before the wake-up: a spurious poll. Allowed, but
            // counted, and the one wake-up is already on its way.
            return Poll::Pending;
        }
        let waker = cx.waker().clone();
        let woken = Arc::clone(&self.woken);
        let wake = move || {
            woken.store(true, Ordering::SeqCst);
            waker.wake();
        };
        match self.wake {
            WakeFrom::WithinPoll => wake(),
            WakeFrom::OtherThreadBeforeReturning => thread::spawn(wake).join().unwrap(),
            WakeFrom::OtherThreadAfter(delay) => {
                thread::spawn(move || {
                    thread::sleep(delay);
                    wake();
                });
            }
        }
        Poll::Pending
    }
}

#[test]
fn returns_the_output_of_a_future_that_is_ready_at_once() {
    assert_eq!(
        run(async { 7 }, "block_on(async { 7 }) never returned"),
        7,
        "block_on(async {{ 7 }}) should return 7"
    );
    assert_eq!(
        run(
            std::future::ready("ready"),
            "block_on(ready(..)) never returned"
        ),
        "ready",
        "block_on(std::future::ready(\"ready\")) should return \"ready\""
    );
}

#[test]
fn returns_the_output_of_a_future_that_was_pending_first() {
    let output = run(
        async { 42 }.pending_once(),
        "a future that returned Pending once (waking itself) was never finished: after \
         Pending, park until woken, then poll again",
    );
    assert_eq!(output, 42, "block_on returned the wrong output");
}

#[test]
fn drives_an_async_block_that_borrows_across_an_await() {
    // Such a future may not move once polled (it is not `Unpin`): block_on has
    // to pin it, with `std::pin::pin!` or `Box::pin`.
    let sum = run(
        async {
            let numbers = vec![1, 2, 3];
            let borrowed = &numbers;
            async {}.pending_once().await;
            borrowed.iter().sum::<i32>()
        },
        "an async block that awaited once was never finished",
    );
    assert_eq!(sum, 6, "block_on returned the wrong output");
}

#[test]
fn is_woken_by_a_waker_called_from_another_thread() {
    let (future, _) = WakeOnce::new(WakeFrom::OtherThreadAfter(Duration::from_millis(10)), 5);
    let output = run(
        future,
        "a future woken from another thread 10 ms after it returned Pending was never \
         polled again. The waker must unpark the thread that block_on parked \
         (`Thread::unpark`, with the `Thread` from `thread::current()`), and it has to \
         work when called from any thread.",
    );
    assert_eq!(output, 5, "block_on returned the wrong output");
}

#[test]
fn parks_instead_of_polling_in_a_busy_loop() {
    let (future, polls) = WakeOnce::new(WakeFrom::OtherThreadAfter(Duration::from_millis(150)), 1);
    run(
        future,
        "a future woken from another thread after 150 ms was never finished",
    );
    let polls = polls.load(Ordering::SeqCst);
    assert!(
        polls <= 3,
        "block_on polled a future {polls} times while it waited 150 ms for a single \
         wake-up; expected 2 (once Pending, once Ready), a few more at most. It is polling \
         in a loop instead of parking the thread until the waker unparks it: a busy loop \
         burns a whole core while it waits, and a loop that sleeps a little between polls \
         only burns less; both ignore the waker, which says when polling is worth it."
    );
}

#[test]
fn does_not_lose_a_wake_up_that_arrives_during_the_poll() {
    let (future, _) = WakeOnce::new(WakeFrom::WithinPoll, 3);
    let output = run(
        future,
        "lost wake-up: the future woke its waker *during* poll, before returning Pending, \
         and block_on then parked forever. The wake-up happened before the park, so \
         block_on must remember it (a flag the waker sets, or the unpark token that \
         `thread::park` keeps) and poll again instead of sleeping.",
    );
    assert_eq!(output, 3, "block_on returned the wrong output");
}

#[test]
fn does_not_lose_a_wake_up_from_another_thread_that_arrives_before_parking() {
    let (future, _) = WakeOnce::new(WakeFrom::OtherThreadBeforeReturning, 4);
    let output = run(
        future,
        "lost wake-up: another thread woke the waker after poll began and before \
         block_on parked, and block_on then parked forever. A wake-up must be remembered \
         until block_on has seen it, whenever it arrives (and a flag must not be reset \
         after the poll, or this one is erased).",
    );
    assert_eq!(output, 4, "block_on returned the wrong output");
}

#[test]
fn can_run_many_futures_one_after_another_on_the_same_thread() {
    let outputs = support::watchdog(
        "calling block_on 100 times in a row on one thread (each future Pending once, and \
         woken at once) did not finish: does a wake-up left over from an earlier call, or a \
         missing one, confuse the next call? Or does block_on sleep between polls instead \
         of parking until the waker unparks it?",
        || {
            (0..100)
                .map(|i| block_on(async move { i }.pending_once()))
                .sum::<u32>()
        },
    );
    assert_eq!(
        outputs,
        (0..100).sum::<u32>(),
        "block_on returned a wrong output"
    );
}
