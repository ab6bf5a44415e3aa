//! Mistake: calls `std::thread::yield_now()` every 1024 items. That asks the
//! operating system to run another *thread*; the task keeps this one, and
//! the other tasks on the runtime still wait.
//! expect: fail lets_another_task_run_at_least_every_256_items "in a single poll"
//! expect: named with checks_the_budget_without_spending_it
//! expect: named with ignores_the_budgets_pending
//! expect: named with passes_items_straight_through

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
        if self.since_yield == 1024 {
            self.since_yield = 0;
            std::thread::yield_now();
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
