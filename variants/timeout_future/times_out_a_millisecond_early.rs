//! Mistake: "leaves a margin" and sleeps one millisecond less than
//! `duration`. `Err(Elapsed)` then comes before the deadline, and a future
//! that would have made it in time (at 99 ms of 100) is cancelled. tokio's
//! `Sleep` is due exactly at its deadline, to the millisecond: no margin is
//! needed, in either direction.
//! expect: fail times_out_at_the_deadline_not_before "too early"

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
    /// Runs `future` with a time limit.
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Timeout<F> {
        #[pin]
        future: Option<F>,
        #[pin]
        deadline: Sleep,
    }
}

// ANCHOR: new
impl<F: Future> Timeout<F> {
    /// Gives `future` until `duration` from now to finish.
    pub fn new(future: F, duration: Duration) -> Self {
        Self {
            future: Some(future),
            deadline: sleep(duration.saturating_sub(Duration::from_millis(1))),
        }
    }
}
// ANCHOR_END: new

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;

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
        ready!(this.deadline.poll(cx));
        this.future.set(None);
        Poll::Ready(Err(Elapsed))
    }
}
