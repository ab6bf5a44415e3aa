//! Mistake: a loop in `stream!` that waits for each further item with
//! `tokio::time::timeout_at(deadline, upstream.next())`. It reads like the
//! contract, but a `Timeout` polls the future it wraps *before* its timer
//! (tokio 1.54, `time/timeout.rs`, line 216, then line 221): polled at the
//! deadline with an item already waiting, it returns that item, not
//! `Elapsed`, and the item joins a batch whose time is up, as with
//! `chunks_timeout`. Everything else about this loop is right.
//! expect: fail an_item_arriving_at_the_deadline_goes_into_the_next_batch "Check the deadline before taking more items"
//! expect: named with chunks_timeout_fills_the_batch_first

use std::pin::{Pin, pin};
use std::task::{Context, Poll};
use std::time::Duration;

use async_stream::stream;
use futures::{Stream, StreamExt};
use tokio::time::{Instant, timeout_at};

/// Yields the items of `stream` in batches (`Vec`s) of at most `max` items.
///
/// A batch goes out as soon as it holds `max` items, or once `wait` has passed
/// since its first item, whichever comes first; an item that arrives when the
/// batch's time is up already belongs to the next batch. When the upstream
/// ends, the batch being filled goes out at once, and then the stream ends.
/// It never yields an empty batch.
pub struct BatchTimeout<S: Stream> {
    inner: Pin<Box<dyn Stream<Item = Vec<S::Item>> + Send>>,
}

impl<S: Stream + Send + 'static> BatchTimeout<S>
where
    S::Item: Send,
{
    /// Batches `stream` into batches of at most `max` items, each of which
    /// waits at most `wait` after its first item.
    pub fn new(stream: S, max: usize, wait: Duration) -> Self {
        assert!(max >= 1, "BatchTimeout: `max` must be at least 1, got 0");
        // ANCHOR: loop
        let inner = stream! {
            let mut upstream = pin!(stream);
            // The first item of a batch: as long as it takes.
            while let Some(first) = upstream.next().await {
                let deadline = Instant::now() + wait;
                let mut batch = vec![first];
                let mut ended = false;
                while batch.len() < max {
                    // BUG: at the deadline, a waiting item still wins.
                    match timeout_at(deadline, upstream.next()).await {
                        Ok(Some(item)) => batch.push(item),
                        Ok(None) => {
                            ended = true;
                            break;
                        }
                        Err(_elapsed) => break,
                    }
                }
                yield batch;
                if ended {
                    break;
                }
            }
        };
        // ANCHOR_END: loop
        Self {
            inner: Box::pin(inner),
        }
    }
}

impl<S: Stream + Unpin> Stream for BatchTimeout<S> {
    type Item = Vec<S::Item>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}
