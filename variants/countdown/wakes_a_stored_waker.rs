//! Mistake: keeps the waker of the first poll and wakes that one every time.
//! When the task is polled with a new waker, the old one may reach nobody.
//! expect: fail wakes_the_waker_of_the_poll_that_returned_pending "not a waker kept from an earlier poll"

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

#[derive(Debug)]
pub struct Countdown {
    remaining: u32,
    waker: Option<Waker>,
}

impl Countdown {
    pub fn new(polls: u32) -> Self {
        Self {
            remaining: polls,
            waker: None,
        }
    }
}

impl Future for Countdown {
    type Output = ();

    // ANCHOR: poll
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.remaining == 0 {
            return Poll::Ready(());
        }
        self.remaining -= 1;
        let waker = self.waker.get_or_insert_with(|| cx.waker().clone());
        waker.wake_by_ref();
        Poll::Pending
    }
    // ANCHOR_END: poll
}
