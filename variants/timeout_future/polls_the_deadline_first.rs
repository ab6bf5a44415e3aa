//! Mistake: looks at the deadline before the inner future. On the poll where
//! both are ready, the deadline wins, and a result that was there for the
//! taking is thrown away: an inner future that finishes at the very deadline
//! gives `Err(Elapsed)`, and so does one that is ready when a late first poll
//! comes. `tokio::time::timeout` polls the inner future first.
//! expect: fail a_future_ready_at_the_deadline_wins "the inner future wins: poll it first"
//! expect: pass is_woken_when_the_inner_future_completes
//! expect: pass the_deadline_counts_from_new_not_from_the_first_poll

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
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
    /// Runs `future` with a time limit.
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Timeout<F> {
        #[pin]
        future: Option<F>,
        #[pin]
        deadline: Sleep,
    }
}

impl<F: Future> Timeout<F> {
    /// Gives `future` until `duration` from now to finish.
    pub fn new(future: F, duration: Duration) -> Self {
        Self {
            future: Some(future),
            deadline: sleep(duration),
        }
    }
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;

    // ANCHOR: poll
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        // The deadline first...
        if this.deadline.poll(cx).is_ready() {
            this.future.set(None);
            return Poll::Ready(Err(Elapsed));
        }
        // ...then the inner future, only if there is time left.
        let future = this
            .future
            .as_mut()
            .as_pin_mut()
            .expect("polled after completion");
        let output = std::task::ready!(future.poll(cx));
        this.future.set(None);
        Poll::Ready(Ok(output))
    }
    // ANCHOR_END: poll
}
