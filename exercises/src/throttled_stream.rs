//! `throttled_stream`: a stream adapter that lets at most one item through
//! per `delay`.
//!
//! Book: "ThrottledStream" (in the Time part). Test: `cargo test --test throttled_stream`.

use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use futures::{Stream, StreamExt};
use tokio::time::{Sleep, sleep};

/// Yields the items of `stream`, at most one per `delay`.
///
/// The first item goes out as soon as the upstream has it. Each later item
/// goes out `delay` after the one before, or as soon as the upstream has it,
/// whichever is later: a slow upstream adds no extra wait. It ends when the
/// upstream ends.
#[derive(Debug)]
pub struct ThrottledStream<S> {
    stream: S,
    delay: Duration,
    /// The wait before the next item may go out, started when the last item
    /// went out; `None` when the next item may go out at once. (`Sleep` is
    /// `!Unpin`; in a `Box::pin` it can be polled from an `Unpin` struct.)
    sleep: Option<Pin<Box<Sleep>>>,
}

impl<S> ThrottledStream<S> {
    /// Throttles `stream` to one item per `delay`.
    pub fn new(stream: S, delay: Duration) -> Self {
        Self {
            stream,
            delay,
            sleep: None,
        }
    }
}

impl<S: Stream + Unpin> Stream for ThrottledStream<S> {
    type Item = S::Item;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        todo!("wait out the running `sleep` (if any), then take an item from upstream")
    }
}
