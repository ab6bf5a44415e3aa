//! `catch_countdown`: tests that pin down a future written by hand.
//!
//! The subject, `subjects::countdown::Countdown`, returns `Pending` exactly
//! `polls` times, each time first waking the waker of that poll, then
//! `Ready(())`. These tests poll it by hand, so every poll is seen: a mock
//! task (`tokio_test::task::spawn`) counts the wake-ups of its one waker; a
//! counting waker per poll (`futures_test::task::new_count_waker`) shows
//! *which* waker was woken. Nothing here waits, so nothing can hang.

use std::future::Future;
use std::task::Context;

use futures_test::task::new_count_waker;
use subjects::countdown::Countdown;
use tokio_test::task;
use tokio_test::{assert_pending, assert_ready};

/// `Countdown::new(0)` is ready on its very first poll.
#[test]
fn zero_polls_is_ready_at_once() {
    let mut countdown = task::spawn(Countdown::new(0));
    assert_ready!(
        countdown.poll(),
        "Countdown::new(0) must be Ready on its first poll: there is nothing to count"
    );
}

// ANCHOR: exactly
/// `Countdown::new(polls)` is `Pending` exactly `polls` times, then `Ready`.
#[test]
fn pending_exactly_polls_times_then_ready() {
    for polls in [1, 2, 5] {
        let mut countdown = task::spawn(Countdown::new(polls));
        for poll in 1..=polls {
            assert_pending!(
                countdown.poll(),
                "Countdown::new({polls}) must be Pending on poll {poll} of {polls}"
            );
        }
        assert_ready!(
            countdown.poll(),
            "Countdown::new({polls}) must be Ready on poll {}, after {polls} Pendings",
            polls + 1
        );
    }
}
// ANCHOR_END: exactly

// ANCHOR: woken
/// Every `Pending` wakes the task first: otherwise nobody polls it again.
#[test]
fn every_pending_wakes_the_task() {
    let polls = 3;
    let mut countdown = task::spawn(Countdown::new(polls));
    for poll in 1..=polls {
        assert_pending!(countdown.poll());
        // Check before the next poll: polling clears the flag.
        assert!(
            countdown.is_woken(),
            "poll {poll} of Countdown::new({polls}) returned Pending without waking the \
             task: a lost wake-up (an executor would never poll it again)"
        );
    }
    assert_ready!(countdown.poll());
}
// ANCHOR_END: woken

// ANCHOR: latest_waker
/// The waker woken is the one of the poll that returned `Pending`, not one
/// kept from an earlier poll.
#[test]
fn wakes_the_waker_of_the_poll_that_returned_pending() {
    let polls = 3;
    let mut countdown = Box::pin(Countdown::new(polls));
    for poll in 1..=polls {
        // A new waker for every poll, as an executor may hand out.
        let (waker, wakes) = new_count_waker();
        let outcome = countdown.as_mut().poll(&mut Context::from_waker(&waker));
        assert!(outcome.is_pending(), "poll {poll} must be Pending");
        assert_eq!(
            wakes.get(),
            1,
            "poll {poll} must wake the waker of its own Context once (a stale waker from an \
             earlier poll reaches nobody)"
        );
    }
}
// ANCHOR_END: latest_waker
