//! `catch_countdown`: this time the code is given, and you write the tests.
//!
//! The subject is `subjects::countdown::Countdown` (read it:
//! `subjects/src/reference/countdown.rs`). It promises: `Countdown::new(polls)`
//! returns `Pending` exactly `polls` times, each time first waking the waker
//! of that poll's `Context`; then `Ready(())`.
//!
//! The reference is correct; six hidden versions of it are not. Your tests
//! must all pass against the reference and catch every bug: the suite runs
//! them against each version and tells you how many bugs they caught, and
//! what the ones they missed do wrong.
//!
//! Replace each `todo!()` with a test of the behaviour its comment names.
//! Add as many tests as you like. The tools: `tokio_test::task::spawn` (a
//! mock task: `poll`, `is_woken`), `tokio_test::assert_pending!` /
//! `assert_ready!`, and `futures_test::task::new_count_waker` (a waker that
//! counts its wake-ups).

use std::future::Future;
use std::task::Context;

use futures_test::task::new_count_waker;
use subjects::countdown::Countdown;
use tokio_test::task;
use tokio_test::{assert_pending, assert_ready};

/// `Countdown::new(0)` is ready on its very first poll.
#[test]
fn zero_polls_is_ready_at_once() {
    todo!("poll `Countdown::new(0)` once (`task::spawn`, then `.poll()`) and assert it is Ready")
}

/// `Countdown::new(polls)` is `Pending` exactly `polls` times, then `Ready`.
#[test]
fn pending_exactly_polls_times_then_ready() {
    todo!("for a few counts, poll and assert Pending `polls` times, then Ready")
}

/// Every `Pending` wakes the task first: otherwise nobody polls it again.
#[test]
fn every_pending_wakes_the_task() {
    todo!("after each Pending, check the mock task's `is_woken()`")
}

/// The waker woken is the one of the poll that returned `Pending`, not one
/// kept from an earlier poll.
#[test]
fn wakes_the_waker_of_the_poll_that_returned_pending() {
    todo!("poll with a fresh `new_count_waker()` each time and check *that* waker was woken")
}
