//! Mistake: polls the `Sleep` once, to register it with the timer, and from
//! then on only asks it `is_elapsed()`. The timer keeps the waker of that
//! first poll. As long as one task polls the `Timeout` that is the same
//! waker, and everything works; once the `Timeout` is polled from another
//! task (a combinator or a `select!` may move it), the deadline wakes the old
//! task and not the one waiting: a stale waker. Each poll may bring a new
//! waker, so every `Pending` must come from polling with *this* `cx`.
//! expect: fail wakes_the_waker_of_its_latest_poll "a stale waker"
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
        registered: bool,
    }
}

impl<F: Future> Timeout<F> {
    /// Gives `future` until `duration` from now to finish.
    pub fn new(future: F, duration: Duration) -> Self {
        Self {
            future: Some(future),
            deadline: sleep(duration),
            registered: false,
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
        let elapsed = if *this.registered {
            // "The timer knows about us already."
            this.deadline.is_elapsed()
        } else {
            *this.registered = true;
            this.deadline.poll(cx).is_ready()
        };
        if elapsed {
            this.future.set(None);
            return Poll::Ready(Err(Elapsed));
        }
        Poll::Pending
    }
    // ANCHOR_END: poll
}
