//! Another right answer, from combinators: every item waits for
//! `tokio::task::coop::consume_budget()`, which spends one unit of the
//! task's budget and yields when it is spent. The chain of adapters is not
//! `Unpin`, so it is boxed, which needs a `Send + 'static` stream.
//! expect: pass

use std::pin::Pin;
use std::task::{Context, Poll};

use futures::stream::BoxStream;
use futures::{Stream, StreamExt};
use tokio::task::coop::consume_budget;

/// Passes the items of `stream` through, and keeps the runtime fair.
pub struct Cooperative<S: Stream> {
    // ANCHOR: field
    stream: BoxStream<'static, S::Item>,
    // ANCHOR_END: field
}

impl<S> Cooperative<S>
where
    S: Stream + Send + 'static,
    S::Item: Send,
{
    /// Wraps `stream`.
    pub fn new(stream: S) -> Self {
        // ANCHOR: new
        let stream = stream
            .then(|item| async move {
                consume_budget().await;
                item
            })
            .boxed();
        // ANCHOR_END: new
        Self { stream }
    }
}

impl<S: Stream> Stream for Cooperative<S> {
    type Item = S::Item;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        self.stream.poll_next_unpin(cx)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.stream.size_hint()
    }
}
