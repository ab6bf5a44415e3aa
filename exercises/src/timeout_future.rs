//! `timeout_future`: a future that runs another future against a deadline,
//! like `tokio::time::timeout`, written by hand.
//!
//! Book: "Timeout" (in the Cancellation and select! part). Test: `cargo test --test timeout_future`.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use pin_project_lite::pin_project;
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

pin_project! {
    /// Runs `future` with a time limit: completes with `Ok(output)` if the
    /// future finishes within `duration` of [`Timeout::new`], or with
    /// `Err(Elapsed)` at that deadline.
    ///
    /// Each poll polls the future first, so a future that is ready when
    /// polled wins, even at (or after) the deadline. The future is dropped as
    /// soon as the outcome is decided. Make it inside a tokio runtime with
    /// its timer enabled.
    #[derive(Debug)]
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Timeout<F> {
        // The future under the time limit; `None` once it has finished or
        // run out of time (it is dropped then, not with the `Timeout`).
        #[pin]
        future: Option<F>,
        // The deadline. (`Sleep` is `!Unpin`, and so may `F` be: both are
        // pinned in place, and `self.project()` in `poll` gives you a
        // `Pin<&mut _>` to each field.)
        #[pin]
        deadline: Sleep,
    }
}

impl<F: Future> Timeout<F> {
    /// Gives `future` until `duration` from now to finish.
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime with its timer enabled (`sleep` needs one).
    pub fn new(future: F, duration: Duration) -> Self {
        todo!("store the future, and start the clock: from when does `duration` count?")
    }
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        todo!("poll the future, then the deadline; whichever decides, let go of the future")
    }
}
