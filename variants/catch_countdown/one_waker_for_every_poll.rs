//! Mistake: checks every wake-up, but always with the same waker (one mock
//! task). A future that keeps the waker of its first poll and wakes that
//! one ever after looks right.
//! expect: fail your_tests_catch_every_hidden_bug "keeps the waker of its first poll"
//! expect: fail your_tests_catch_every_hidden_bug "caught 5 of 6 bugs"

use subjects::countdown::Countdown;
use tokio_test::task;
use tokio_test::{assert_pending, assert_ready};

#[test]
fn zero_polls_is_ready_at_once() {
    let mut countdown = task::spawn(Countdown::new(0));
    assert_ready!(countdown.poll());
}

#[test]
fn pending_exactly_polls_times_then_ready() {
    for polls in [1, 2, 5] {
        let mut countdown = task::spawn(Countdown::new(polls));
        for _ in 0..polls {
            assert_pending!(countdown.poll());
        }
        assert_ready!(countdown.poll());
    }
}

#[test]
fn every_pending_wakes_the_task() {
    let mut countdown = task::spawn(Countdown::new(3));
    for poll in 1..=3 {
        assert_pending!(countdown.poll());
        assert!(countdown.is_woken(), "poll {poll} must wake the task");
    }
    assert_ready!(countdown.poll());
}
