//! Mistake: cancels the inner future when the time is up, but forgets it on
//! the other way out: after `Ok(output)`, the finished inner future stays in
//! the `Timeout`, with whatever it holds, until the `Timeout` is dropped.
//! Both ways out of `poll` are done with the inner future.
//! expect: fail the_inner_future_is_dropped_as_soon_as_it_finishes "the finished inner future was still alive"

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

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        let future = this
            .future
            .as_mut()
            .as_pin_mut()
            .expect("polled after completion");
        if let Poll::Ready(output) = future.poll(cx) {
            // The finished future stays where it is.
            return Poll::Ready(Ok(output));
        }
        ready!(this.deadline.poll(cx));
        this.future.set(None);
        Poll::Ready(Err(Elapsed))
    }
}
