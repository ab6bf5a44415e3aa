//! Correct, written differently: one test walks the counts 0 to 4 with a
//! fresh counting waker (futures_test) for every poll, checking the count,
//! and each wake-up, of the waker of that very poll.
//! expect: pass

use std::future::Future;
use std::task::{Context, Poll};

use futures_test::task::new_count_waker;
use subjects::countdown::Countdown;

#[test]
fn pendings_and_wake_ups_for_counts_0_to_4() {
    for polls in 0..=4u32 {
        let mut countdown = Box::pin(Countdown::new(polls));
        let mut pendings = 0;
        loop {
            let (waker, wakes) = new_count_waker();
            match countdown.as_mut().poll(&mut Context::from_waker(&waker)) {
                Poll::Ready(()) => break,
                Poll::Pending => {
                    pendings += 1;
                    assert_eq!(
                        wakes.get(),
                        1,
                        "Countdown::new({polls}): Pending {pendings} must wake this poll's waker"
                    );
                    assert!(
                        pendings <= polls,
                        "Countdown::new({polls}): too many Pendings"
                    );
                }
            }
        }
        assert_eq!(
            pendings, polls,
            "Countdown::new({polls}): Pendings before Ready"
        );
    }
}
