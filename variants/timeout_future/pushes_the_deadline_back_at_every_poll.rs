//! Mistake: an idle timeout where a deadline belongs. Each poll that finds
//! the time not yet up moves the deadline to `duration` from now (with
//! `Sleep::reset`, as the idle timeout of the Time chapter does), so every
//! wake-up of the inner future buys it another `duration`. An inner future
//! woken at 50 and 80 ms keeps a 100 ms `Timeout` going until 180 ms, and one
//! that makes a little progress often enough never times out. The first poll
//! pushes it back too: made at 0 ms and first polled at 30 ms, it expires at
//! 130 ms.
//! expect: fail the_deadline_is_not_pushed_back_by_later_polls "a poll must not push it back"
//! expect: fail the_deadline_counts_from_new_not_from_the_first_poll "not after the first poll (130 ms)"
//! expect: pass a_future_ready_at_the_deadline_wins

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use pin_project_lite::pin_project;
use tokio::time::{Instant, Sleep, sleep};

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
        duration: Duration,
    }
}

impl<F: Future> Timeout<F> {
    /// Gives `future` until `duration` from now to finish.
    pub fn new(future: F, duration: Duration) -> Self {
        Self {
            future: Some(future),
            deadline: sleep(duration),
            duration,
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
        if this.deadline.as_mut().poll(cx).is_ready() {
            this.future.set(None);
            return Poll::Ready(Err(Elapsed));
        }
        // "Still busy? Another `duration` from now, then."
        let later = Instant::now() + *this.duration;
        this.deadline.as_mut().reset(later);
        Poll::Pending
    }
    // ANCHOR_END: poll
}
