//! Mistake: runs the inner future as a task of its own (`tokio::spawn`) and
//! times out its `JoinHandle`, aborting the task when the time is up. Three
//! things go wrong. The inner future starts running at `new`, before anyone
//! polls the `Timeout`. Dropping the `Timeout` drops the `JoinHandle`, which
//! detaches the task instead of cancelling it: the inner future runs on,
//! unwatched. And even `abort()` is not a drop: it asks the runtime to drop
//! the task's future the next time it gets to it, so `Err(Elapsed)` comes out
//! while the inner future is still alive. (It also needs `F: Send + 'static`.)
//! expect: fail dropping_the_timeout_drops_the_inner_future "nothing may keep running it in the background"
//! expect: fail the_inner_future_is_polled_only_when_the_timeout_is "a spawned task?"
//! expect: fail the_inner_future_is_dropped_when_the_time_is_up "the inner future was still alive"

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use tokio::task::JoinHandle;
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

/// Runs `future` with a time limit.
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Timeout<F: Future> {
    task: JoinHandle<F::Output>,
    deadline: Pin<Box<Sleep>>,
}

// ANCHOR: spawn
impl<F> Timeout<F>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    /// Gives `future` until `duration` from now to finish.
    pub fn new(future: F, duration: Duration) -> Self {
        Self {
            // Runs from now on, whether or not anyone polls the `Timeout`.
            task: tokio::spawn(future),
            deadline: Box::pin(sleep(duration)),
        }
    }
}

impl<F> Future for Timeout<F>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    type Output = Result<F::Output, Elapsed>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if let Poll::Ready(joined) = Pin::new(&mut self.task).poll(cx) {
            return Poll::Ready(Ok(joined.expect("the inner future panicked")));
        }
        ready!(self.deadline.as_mut().poll(cx));
        // Asks the runtime to drop the task's future, some time later.
        self.task.abort();
        Poll::Ready(Err(Elapsed))
    }
}
// ANCHOR_END: spawn
