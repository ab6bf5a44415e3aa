//! Mistake: a test that fails on correct code. This one expects `n + 1`
//! Pendings from `Countdown::new(n)`: the off-by-one is in the test, not in
//! the countdown, and a test that fails on correct code catches nothing.
//! expect: fail your_tests_catch_every_hidden_bug "a test that fails on correct code is wrong"

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
    let polls = 3;
    let mut countdown = task::spawn(Countdown::new(polls));
    for poll in 0..=polls {
        assert_pending!(countdown.poll(), "poll {poll} should be Pending");
    }
    assert_ready!(countdown.poll());
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
