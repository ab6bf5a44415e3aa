//! Mistake (from the ecosystem): `tokio_stream::StreamExt::chunks_timeout` as
//! the batcher. It nearly is this contract (tokio-stream 0.1.19): its timer
//! starts at a batch's first item, it never yields an empty batch, and when
//! the upstream ends it yields the last partial batch and then `None` for good
//! (it fuses the upstream). But each poll first takes every item the upstream
//! has ready, and only then looks at the deadline (`chunks_timeout.rs`: the
//! loop on `me.stream.as_mut().poll_next(cx)`, lines 49-73, comes before
//! `ready!(deadline.poll(cx))`, line 77). An item already waiting when the
//! batch's time is up therefore joins that batch, up to `max`; here it is the
//! next batch's first item. Everything else passes. (`ChunksTimeout` is
//! exported from `tokio_stream::adapters`, so no `dyn` is needed: a
//! `Box::pin` makes it `Unpin` whatever `S` is.)
//! expect: fail an_item_arriving_at_the_deadline_goes_into_the_next_batch "Check the deadline before taking more items"
//! expect: named with timeout_at_takes_the_waiting_item

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::Stream;
use tokio_stream::StreamExt as _;
use tokio_stream::adapters::ChunksTimeout;

// ANCHOR: stream
pub struct BatchTimeout<S: Stream> {
    inner: Pin<Box<ChunksTimeout<S>>>,
}

impl<S: Stream> BatchTimeout<S> {
    pub fn new(stream: S, max: usize, wait: Duration) -> Self {
        // `chunks_timeout` panics on 0 too, with "`max_size` must be non-zero."
        assert!(max >= 1, "BatchTimeout: `max` must be at least 1, got 0");
        Self {
            inner: Box::pin(stream.chunks_timeout(max, wait)),
        }
    }
}

impl<S: Stream + Unpin> Stream for BatchTimeout<S> {
    type Item = Vec<S::Item>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}
// ANCHOR_END: stream
