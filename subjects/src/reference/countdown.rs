//! The reference `Countdown`: what `catch_countdown`'s tests pin down.
//!
//! A future written by hand: no `async`, no runtime, just the `Future`
//! trait, a counter and a waker. (It is the solution of the `countdown`
//! exercise.)

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Returns `Pending` exactly `polls` times, then `Ready(())`.
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

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // `Countdown::new(0)` is ready on its first poll: nothing to count.
        if self.remaining == 0 {
            return Poll::Ready(());
        }
        self.remaining -= 1;
        // `Pending` promises that someone will wake the task. Nobody else
        // knows about this counter, so the future keeps the promise itself,
        // at once, with the waker of *this* poll: an executor may hand each
        // poll a different waker, and only the latest is sure to reach the
        // task.
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
// ANCHOR_END: poll
