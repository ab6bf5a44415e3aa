//! Another right answer: counts the items and, every 64, polls a
//! `tokio::task::yield_now()` future until it is done. Its first poll hands
//! the waker to the scheduler, which wakes the task only after it has looked
//! at every other ready task and at timers and I/O; its second poll is Ready.
//! Outside tokio, `yield_now` wakes the task at once.
//! expect: pass

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures::{Stream, StreamExt};
use tokio::task::yield_now;

/// Passes the items of `stream` through, and keeps the runtime fair.
pub struct Cooperative<S> {
    stream: S,
    /// Items passed on since the last yield.
    since_yield: u32,
    /// The yield under way, if any.
    yielding: Option<Pin<Box<dyn Future<Output = ()> + Send>>>,
}

impl<S> Cooperative<S> {
    /// Wraps `stream`.
    pub fn new(stream: S) -> Self {
        Self {
            stream,
            since_yield: 0,
            yielding: None,
        }
    }
}

impl<S: Stream + Unpin> Stream for Cooperative<S> {
    type Item = S::Item;

    // ANCHOR: poll_next
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        if self.yielding.is_none() && self.since_yield == 64 {
            self.since_yield = 0;
            self.yielding = Some(Box::pin(yield_now()));
        }
        if let Some(yielding) = self.yielding.as_mut() {
            ready!(yielding.as_mut().poll(cx));
            self.yielding = None;
        }
        let item = ready!(self.stream.poll_next_unpin(cx));
        self.since_yield += 1;
        Poll::Ready(item)
    }
    // ANCHOR_END: poll_next

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.stream.size_hint()
    }
}
