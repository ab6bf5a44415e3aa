//! Mistake: spends the budget, but when `poll_proceed` says Pending (the
//! budget is spent), goes on anyway and hands out the item: the task is told
//! to yield, and does not.
//! expect: fail lets_another_task_run_at_least_every_256_items "in a single poll"
//! expect: named with checks_the_budget_without_spending_it
//! expect: named with passes_items_straight_through
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
        let budget = coop::poll_proceed(cx);
        let item = ready!(self.stream.poll_next_unpin(cx));
        if let Poll::Ready(budget) = budget {
            budget.made_progress();
        }
        Poll::Ready(item)
    }
    // ANCHOR_END: poll_next

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.stream.size_hint()
    }
}
