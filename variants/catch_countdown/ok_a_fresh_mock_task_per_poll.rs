//! Correct, written differently: every poll is made by a fresh mock task
//! (tokio_test), so each poll brings a different waker and a stale one is
//! seen.
//! expect: pass

use std::pin::Pin;

use subjects::countdown::Countdown;
use tokio_test::task;

/// A mock task whose future is a `&mut` to a countdown kept elsewhere.
fn poll_in_a_fresh_task(countdown: &mut Pin<Box<Countdown>>) -> (bool, bool) {
    let mut task = task::spawn(countdown.as_mut());
    let ready = task.poll().is_ready();
    (ready, task.is_woken())
}

#[test]
fn counts_are_exact() {
    for polls in [0, 1, 3] {
        let mut countdown = Box::pin(Countdown::new(polls));
        for poll in 1..=polls {
            let (ready, _) = poll_in_a_fresh_task(&mut countdown);
            assert!(!ready, "Countdown::new({polls}) was Ready on poll {poll}");
        }
        let (ready, _) = poll_in_a_fresh_task(&mut countdown);
        assert!(
            ready,
            "Countdown::new({polls}) was not Ready after {polls} Pendings"
        );
    }
}

#[test]
fn each_pending_wakes_the_task_that_polled() {
    let mut countdown = Box::pin(Countdown::new(4));
    for poll in 1..=4 {
        let (ready, woken) = poll_in_a_fresh_task(&mut countdown);
        assert!(!ready);
        assert!(woken, "Pending {poll} did not wake the task that polled it");
    }
}
