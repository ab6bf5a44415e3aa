//! `timeout_future`: a future that runs another future against a deadline,
//! like `tokio::time::timeout`, written by hand.
//!
//! The deadline is a `tokio::time::Sleep` made in `new`, so it counts from
//! the moment the `Timeout` is made, whenever it is first polled. Each poll
//! polls the inner future first and the deadline second, both with `cx`: the
//! inner future wins a tie, and whichever is due first wakes the task. The
//! moment either one decides the outcome, the inner future is dropped, in
//! place, with `Pin::set`: it is cancelled when time runs out, not whenever
//! the `Timeout` itself happens to be dropped. Both fields are pinned in place
//! with `pin_project!`, so any future fits, `async` blocks included.

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

// ANCHOR: state
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
        // The deadline, fixed in `new`.
        #[pin]
        deadline: Sleep,
    }
}
// ANCHOR_END: state

// ANCHOR: new
impl<F: Future> Timeout<F> {
    /// Gives `future` until `duration` from now to finish.
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime with its timer enabled (`sleep` needs one).
    pub fn new(future: F, duration: Duration) -> Self {
        Self {
            future: Some(future),
            // `sleep` reads the clock now: the deadline is `duration` after
            // this call, however late the first poll comes.
            deadline: sleep(duration),
        }
    }
}
// ANCHOR_END: new

// ANCHOR: poll
impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // One `Pin<&mut Option<F>>` and one `Pin<&mut Sleep>`.
        let mut this = self.project();

        // 1. The future first: if it is ready, it wins, even at the deadline.
        //    `as_pin_mut` turns `Pin<&mut Option<F>>` into `Option<Pin<&mut F>>`.
        let future = this
            .future
            .as_mut()
            .as_pin_mut()
            .expect("`Timeout` polled after it completed");
        if let Poll::Ready(output) = future.poll(cx) {
            // Done with it: drop it now, in place (`Pin::set` drops the old
            // value where it lies, which pinning allows; it never moves it).
            this.future.set(None);
            return Poll::Ready(Ok(output));
        }

        // 2. Then the deadline. `Pending` here has registered `cx`'s waker
        //    with tokio's timer, as the future's `Pending` registered it with
        //    whatever the future waits for: either one wakes the task.
        ready!(this.deadline.poll(cx));

        // 3. Time is up: cancel the future by dropping it, before saying so.
        this.future.set(None);
        Poll::Ready(Err(Elapsed))
    }
}
// ANCHOR_END: poll
