//! Mistake: keeps the deadline as an `Instant`, and to be sure to notice it,
//! wakes its own task before every `Pending`. The executor polls it again at
//! once, and again, until the deadline: a busy loop that burns a core. On the
//! paused clock the deadline never even comes, since time moves only when no
//! task can run.
//! expect: fail waits_without_spinning_and_is_woken_at_the_deadline "busy loop"
//! expect: fail times_out_at_the_deadline_not_before "busy loop"

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
        // ANCHOR: pending
        // "Poll me again soon, so that I can look at the clock."
        cx.waker().wake_by_ref();
        Poll::Pending
        // ANCHOR_END: pending
    }
}
