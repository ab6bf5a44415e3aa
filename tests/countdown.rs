//! Hidden suite for `countdown`: a future written by hand.
//!
//! Contract: `Countdown::new(polls)` returns `Pending` exactly `polls` times,
//! each time first waking the waker of that poll's `Context`; then `Ready(())`.
//! Every poll runs under the watchdog.

// The code under test, compiled into this suite: your `exercises/src/countdown.rs`,
// or the reference solution with `cargo test --features solutions`.
#[cfg_attr(not(feature = "solutions"), path = "../exercises/src/countdown.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/src/countdown.rs")]
mod countdown;

use std::future::Future;
use std::task::{Context, Poll};

use countdown::Countdown;
use futures_test::task::new_count_waker;
use support::trace;
use tokio_test::task;

/// Runs a test that polls by hand under the watchdog: a `poll` that loops or
/// waits instead of returning fails the test instead of hanging it.
fn by_hand(body: impl FnOnce() + Send + 'static) {
    support::watchdog(
        "a call to Countdown's `poll` never returned. `poll` must return at once, Pending \
         or Ready: it counts down one step per call and never loops or waits until the \
         count is done (the executor calls it again after the wake-up).",
        body,
    );
}

/// Polls a fresh `Countdown::new(polls)` until it is ready and returns how many
/// times it said `Pending`, giving up (with a message) after far too many.
fn pendings_before_ready(polls: u32) -> u32 {
    let limit = polls + 100;
    let mut countdown = task::spawn(trace(Countdown::new(polls)));
    for pendings in 0..limit {
        if countdown.poll().is_ready() {
            return pendings;
        }
    }
    panic!(
        "Countdown::new({polls}) was still Pending after {limit} polls. Expected exactly \
         {polls} Pending, then Ready(()). Is the counter going down on every poll?"
    );
}

#[test]
fn zero_polls_is_ready_on_the_first_poll() {
    by_hand(|| {
        let mut countdown = task::spawn(trace(Countdown::new(0)));
        assert!(
            countdown.poll().is_ready(),
            "Countdown::new(0) returned Pending on its first poll; expected Ready(()) at once: \
             there is nothing left to count down."
        );
    });
}

#[test]
fn returns_pending_exactly_polls_times_then_ready() {
    by_hand(|| {
        for polls in [1, 2, 3, 10] {
            let pendings = pendings_before_ready(polls);
            assert_eq!(
                pendings, polls,
                "Countdown::new({polls}) returned Pending {pendings} times before Ready(()); \
                 expected exactly {polls}. An off-by-one in when the counter is checked and \
                 when it goes down?"
            );
        }
    });
}

#[test]
fn wakes_its_task_every_time_it_returns_pending() {
    by_hand(|| {
        let polls = 3;
        let mut countdown = task::spawn(trace(Countdown::new(polls)));
        for poll in 1..=polls {
            assert!(
                countdown.poll().is_pending(),
                "Countdown::new({polls}) was Ready on poll {poll}; expected Pending for the \
                 first {polls} polls."
            );
            assert!(
                countdown.is_woken(),
                "poll {poll} returned Pending without waking the task. Pending is a promise \
                 that someone will wake the task; nobody else knows about this countdown, so an \
                 executor would never poll it again and `.await` would hang forever (a lost \
                 wake-up). Call `cx.waker().wake_by_ref()` before returning Pending."
            );
        }
        assert!(
            countdown.poll().is_ready(),
            "Countdown::new({polls}) was still Pending on poll {}; expected Ready(()).",
            polls + 1
        );
    });
}

#[test]
fn wakes_the_waker_of_the_poll_that_returned_pending() {
    by_hand(|| {
        // An executor may hand a future a different waker on every poll (tasks can
        // move between threads, combinators wrap wakers). Each poll's waker is the
        // one that reaches the task now.
        let polls = 3;
        let mut countdown = Box::pin(trace(Countdown::new(polls)));
        for poll in 1..=polls {
            let (waker, wakes) = new_count_waker();
            let outcome = countdown.as_mut().poll(&mut Context::from_waker(&waker));
            assert_eq!(
                outcome,
                Poll::Pending,
                "poll {poll} of Countdown::new({polls}) should be Pending"
            );
            assert!(
                wakes.get() >= 1,
                "poll {poll} returned Pending but did not wake the waker it was given in this \
                 poll's Context, so nothing would ever poll the task again. Wake `cx.waker()` \
                 of the current poll before returning Pending (not a waker kept from an \
                 earlier poll)."
            );
        }
    });
}

#[test]
fn completes_when_awaited_on_an_executor() {
    support::watchdog(
        "`Countdown::new(5).await` never finished on a real executor. The executor only \
         polls a task again after its waker is woken: does every Pending wake \
         `cx.waker()` first?",
        || futures::executor::block_on(async { trace(Countdown::new(5)).await }),
    );
}
