//! Mistake: returns `Pending` without waking the waker. Nobody ever polls the
//! task again: on a real executor, `.await` hangs forever.
//! expect: fail wakes_its_task_every_time_it_returns_pending "lost wake-up"
//! expect: fail wakes_the_waker_of_the_poll_that_returned_pending "did not wake the waker"
//! expect: fail completes_when_awaited_on_an_executor "never finished"
//! expect: fail wakes_the_waker_of_the_poll_that_returned_pending "nothing woke it after poll 1's Pending"

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

#[derive(Debug)]
pub struct Countdown {
    remaining: u32,
}

impl Countdown {
    pub fn new(polls: u32) -> Self {
        Self { remaining: polls }
    }
}

// ANCHOR: poll
impl Future for Countdown {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        if self.remaining == 0 {
            return Poll::Ready(());
        }
        self.remaining -= 1;
        Poll::Pending // nobody has been asked to poll this task again
    }
}
// ANCHOR_END: poll
