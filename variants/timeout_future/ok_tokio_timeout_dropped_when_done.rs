//! Another right answer: `tokio::time::timeout` does the timing (its deadline
//! is fixed when it is called, and it polls the inner future first), in an
//! `Option` that is emptied with `Pin::set(None)` as soon as it is ready:
//! that drops tokio's `Timeout`, and the inner future inside it, whichever
//! way it ended.
//! expect: pass

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use pin_project_lite::pin_project;

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
pin_project! {
    /// Runs `future` with a time limit.
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Timeout<F> {
        // tokio's `Timeout`, until it is ready.
        #[pin]
        inner: Option<tokio::time::Timeout<F>>,
    }
}

impl<F: Future> Timeout<F> {
    /// Gives `future` until `duration` from now to finish.
    pub fn new(future: F, duration: Duration) -> Self {
        Self {
            inner: Some(tokio::time::timeout(duration, future)),
        }
    }
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut inner = self.project().inner;
        let timeout = inner
            .as_mut()
            .as_pin_mut()
            .expect("polled after completion");
        let result = ready!(timeout.poll(cx));
        // Either way, the inner future's part is over: drop it now.
        inner.set(None);
        Poll::Ready(result.map_err(|_| Elapsed))
    }
}
// ANCHOR_END: timeout
