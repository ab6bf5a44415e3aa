//! Mistake: awaits the countdown with no bound. Against a countdown that
//! loses its wake-up the test hangs instead of failing (plain `cargo test`
//! never stops it).
//! expect: fail your_tests_catch_every_hidden_bug "hung against"
//! expect: fail your_tests_catch_every_hidden_bug "caught 6 of 6 bugs"

use std::future::Future;
use std::task::Context;

use futures_test::task::new_count_waker;
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
    // An executor polls again only when woken: if this returns, every
    // Pending woke the task. If one did not, it never returns.
    futures::executor::block_on(Countdown::new(3));
}

#[test]
fn wakes_the_waker_of_the_poll_that_returned_pending() {
    let mut countdown = Box::pin(Countdown::new(3));
    for poll in 1..=3 {
        let (waker, wakes) = new_count_waker();
        let outcome = countdown.as_mut().poll(&mut Context::from_waker(&waker));
        assert!(outcome.is_pending());
        assert_eq!(wakes.get(), 1, "poll {poll} must wake its own waker");
    }
}
