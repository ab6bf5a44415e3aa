//! Mistake: asks tokio whether the task has budget left, but never spends
//! any. Only tokio's own resources (channels, timers, sockets) spend budget,
//! and a plain `stream::iter` is none of them: the budget never runs out,
//! and the task never yields.
//! expect: fail lets_another_task_run_at_least_every_256_items "in a single poll"
//! expect: named with ignores_the_budgets_pending
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
        if !coop::has_budget_remaining() {
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        let item = ready!(self.stream.poll_next_unpin(cx));
        Poll::Ready(item)
    }
    // ANCHOR_END: poll_next

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.stream.size_hint()
    }
}
