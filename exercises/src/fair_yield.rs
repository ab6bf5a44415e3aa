//! `fair_yield`: a stream that lets the other tasks run.
//!
//! Book: "Cooperative" (in the Composing streams part). Test:
//! `cargo test --test fair_yield`.

use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures::{Stream, StreamExt};
use tokio::task::coop;

/// Passes the items of `stream` through, and keeps the runtime fair.
///
/// A stream that always has an item ready never returns `Pending`, so a task
/// that drains it in a loop never gives its thread back: on a current-thread
/// runtime no other task runs until the stream ends. `Cooperative` makes such
/// a loop hand the thread back regularly, at least once every 256 items (and
/// not much more often than once every 32, which would slow the flow). It
/// yields the same items, in order, and ends when the stream ends. When the
/// stream itself is `Pending`, so is `Cooperative`, woken by the stream. It
/// works on any executor; on tokio, it uses the task's cooperative budget.
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

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        todo!("pass the items on, but hand the thread back to the runtime every so often")
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.stream.size_hint()
    }
}
