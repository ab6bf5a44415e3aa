//! Mistake: passes every item straight on. With an always-ready stream the
//! draining task never returns Pending, so it never gives its thread back:
//! the heartbeat task does not run once until the stream has ended.
//! expect: fail lets_another_task_run_at_least_every_256_items "in a single poll"
//! expect: named with checks_the_budget_without_spending_it
//! expect: named with ignores_the_budgets_pending
//! expect: named with std_thread_yield_now

use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures::{Stream, StreamExt};
use tokio::task::coop;

/// Passes the items of `stream` through, and keeps the runtime fair.
#[derive(Debug)]
pub struct Cooperative<S> {
    stream: S,
}

impl<S> Cooperative<S> {
    /// Wraps `stream`.
    pub fn new(stream: S) -> Self {
        Self { stream }
    }
}

impl<S: Stream + Unpin> Stream for Cooperative<S> {
    type Item = S::Item;

    // ANCHOR: poll_next
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        let _ = coop::has_budget_remaining;
        let item = ready!(self.stream.poll_next_unpin(cx));
        Poll::Ready(item)
    }
    // ANCHOR_END: poll_next

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.stream.size_hint()
    }
}
