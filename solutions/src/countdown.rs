//! `countdown`: a future written by hand.
//!
//! No `async`, no runtime: just the `Future` trait, a counter and a waker.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A future that returns `Pending` exactly `polls` times and then `Ready(())`.
///
/// Every time it returns `Pending` it first wakes the waker of the `Context` it
/// was polled with, so whoever polls it knows to poll it again.
#[derive(Debug)]
pub struct Countdown {
    remaining: u32,
}

impl Countdown {
    /// A countdown that completes on poll number `polls + 1`.
    pub fn new(polls: u32) -> Self {
        Self { remaining: polls }
    }
}

// ANCHOR: poll
impl Future for Countdown {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.remaining == 0 {
            return Poll::Ready(());
        }
        self.remaining -= 1;
        // Returning `Pending` is a promise: "someone will wake this task when it
        // is worth polling again". Nothing else knows about our counter, so we
        // keep the promise ourselves, right away, with the waker of *this* poll.
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
// ANCHOR_END: poll
