//! Mistake: keeps the deadline as an `Instant` and compares it with the
//! clock on each poll. The comparison is right whenever the `Timeout` is
//! polled, but nothing polls it at the deadline: only the inner future's
//! waker was registered, and an inner future that never finishes never wakes
//! the task. A lost wake-up: the caller waits forever.
//! expect: fail waits_without_spinning_and_is_woken_at_the_deadline "lost wake-up"
//! expect: fail times_out_at_the_deadline_not_before "lost wake-up"
//! expect: fail the_deadline_is_not_pushed_back_by_later_polls "nothing woke it after poll 3's Pending"

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use pin_project_lite::pin_project;
use tokio::time::Instant;

/// The error of a [`Timeout`] whose deadline came before its future finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elapsed;

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("deadline has elapsed")
    }
}

impl std::error::Error for Elapsed {}

pin_project! {
    /// Runs `future` with a time limit.
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Timeout<F> {
        #[pin]
        future: Option<F>,
        deadline: Instant,
    }
}

impl<F: Future> Timeout<F> {
    /// Gives `future` until `duration` from now to finish.
    pub fn new(future: F, duration: Duration) -> Self {
        Self {
            future: Some(future),
            deadline: Instant::now() + duration,
        }
    }
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;

    // ANCHOR: poll
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        let future = this
            .future
            .as_mut()
            .as_pin_mut()
            .expect("polled after completion");
        if let Poll::Ready(output) = future.poll(cx) {
            this.future.set(None);
            return Poll::Ready(Ok(output));
        }
        if Instant::now() >= *this.deadline {
            this.future.set(None);
            return Poll::Ready(Err(Elapsed));
        }
        // Who wakes the task at the deadline? Nobody.
        Poll::Pending
    }
    // ANCHOR_END: poll
}
