//! Another right answer, without pin projection: the inner future and the
//! `Sleep` each live in a `Box::pin`, so `Timeout<F>` is `Unpin` for any
//! `F`, and `poll` works on a plain `&mut Self`. The inner future is taken
//! out of its `Option` (the box moves, the future in it does not) and dropped
//! the moment the outcome is decided. One allocation for the future, one for
//! the timer.
//! expect: pass

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::time::{Sleep, sleep};

/// The error of a [`Timeout`] whose deadline came before its future finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elapsed;

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("deadline has elapsed")
    }
}

impl std::error::Error for Elapsed {}

// ANCHOR: timeout
/// Runs `future` with a time limit.
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Timeout<F> {
    future: Option<Pin<Box<F>>>,
    deadline: Pin<Box<Sleep>>,
}

impl<F: Future> Timeout<F> {
    /// Gives `future` until `duration` from now to finish.
    pub fn new(future: F, duration: Duration) -> Self {
        Self {
            future: Some(Box::pin(future)),
            deadline: Box::pin(sleep(duration)),
        }
    }
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // Every field is `Unpin` (a `Pin<Box<_>>` is), so `Timeout<F>` is.
        let this = self.get_mut();
        let future = this.future.as_mut().expect("polled after completion");
        if let Poll::Ready(output) = future.as_mut().poll(cx) {
            this.future = None;
            return Poll::Ready(Ok(output));
        }
        if this.deadline.as_mut().poll(cx).is_ready() {
            this.future = None;
            return Poll::Ready(Err(Elapsed));
        }
        Poll::Pending
    }
}
// ANCHOR_END: timeout
