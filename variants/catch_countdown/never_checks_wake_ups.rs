//! Mistake: tests that count the polls but never check a wake-up. A future
//! that returns `Pending` without waking its task passes them, and hangs
//! on a real executor.
//! expect: fail your_tests_catch_every_hidden_bug "returns Pending without waking its task"
//! expect: fail your_tests_catch_every_hidden_bug "caught 3 of 6 bugs"

use subjects::countdown::Countdown;
use tokio_test::task;
use tokio_test::{assert_pending, assert_ready};

#[test]
fn zero_polls_is_ready_at_once() {
    let mut countdown = task::spawn(Countdown::new(0));
    assert_ready!(countdown.poll(), "Countdown::new(0) must be Ready at once");
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
