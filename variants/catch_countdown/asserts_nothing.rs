//! Mistake: tests that poll the countdown but assert nothing. They pass
//! against every version, the buggy ones too.
//! expect: fail your_tests_catch_every_hidden_bug "caught 0 of 6 bugs"

use subjects::countdown::Countdown;
use tokio_test::task;

#[test]
fn zero_polls_is_ready_at_once() {
    let mut countdown = task::spawn(Countdown::new(0));
    let _ = countdown.poll();
}

#[test]
fn pending_exactly_polls_times_then_ready() {
    let mut countdown = task::spawn(Countdown::new(3));
    for _ in 0..10 {
        if countdown.poll().is_ready() {
            break;
        }
    }
}

#[test]
fn every_pending_wakes_the_task() {
    let mut countdown = task::spawn(Countdown::new(3));
    let _ = countdown.poll();
    let _ = countdown.is_woken();
}

#[test]
fn wakes_the_waker_of_the_poll_that_returned_pending() {
    let mut countdown = task::spawn(Countdown::new(3));
    let _ = countdown.poll();
}
