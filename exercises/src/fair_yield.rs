//! Mistake: hands the thread back after every item. Fair, and correct, but
//! every item now costs a trip through the scheduler: the flow is several
//! times slower than it needs to be.
//! expect: fail does_not_give_its_turn_away_much_more_often_than_every_32_items "not on every item"

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
        if self.since_yield > 0 {
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
