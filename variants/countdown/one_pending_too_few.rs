//! Mistake: counts down before checking, so the last `Pending` is skipped.
//! expect: fail returns_pending_exactly_polls_times_then_ready "off-by-one"

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

impl Future for Countdown {
    type Output = ();

    // ANCHOR: poll
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.remaining = self.remaining.saturating_sub(1);
        if self.remaining == 0 {
            return Poll::Ready(());
        }
        cx.waker().wake_by_ref();
        Poll::Pending
    }
    // ANCHOR_END: poll
}
