//! Mistake: returns Pending every 128 items to hand the thread back, but
//! arranges no wake-up: the draining task is never polled again (a lost
//! wake-up), and its consumer waits forever.
//! expect: fail lets_another_task_run_at_least_every_256_items "without arranging a wake-up"
//! expect: fail lets_another_task_run_at_least_every_256_items "nothing woke it after poll 129's Pending"

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
        if self.since_yield == 128 {
            self.since_yield = 0;
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
