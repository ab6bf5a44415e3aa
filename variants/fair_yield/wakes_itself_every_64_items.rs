//! Mistake: counts the items and, every 64, hands the thread back by hand:
//! wakes its own task, then returns Pending once. On tokio that puts the task
//! straight back into the run queue: the runtime looks at timers, I/O and
//! tasks that yielded with `yield_now` only when the queue is empty, or after
//! 61 tasks in a row, so they still wait about 61 x 64 items.
//! expect: fail lets_another_task_run_at_least_every_256_items "woken at once each time"

use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures::{Stream, StreamExt};
use tokio::task::coop;

/// Passes the items of `stream` through, and keeps the runtime fair.
#[derive(Debug)]
pub struct Cooperative<S> {
    stream: S,
    /// Items passed on since the last yield.
    since_yield: u32,
}

impl<S> Cooperative<S> {
    /// Wraps `stream`.
    pub fn new(stream: S) -> Self {
        Self {
            stream,
            since_yield: 0,
        }
    }
}

impl<S: Stream + Unpin> Stream for Cooperative<S> {
    type Item = S::Item;

    // ANCHOR: poll_next
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        let _ = coop::has_budget_remaining;
        if self.since_yield == 64 {
            self.since_yield = 0;
            cx.waker().wake_by_ref();
            return Poll::Pending;
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
