//! Alternative solution, from the ecosystem: `tokio_stream::StreamExt::throttle`
//! does exactly this (the first item at once, then at most one per delay,
//! counted from the item before). Its `Throttle` cannot be named (tokio-stream
//! does not export it) and holds a `Sleep`, so it is `!Unpin`: boxed and pinned
//! as a `dyn Stream`, it lives in a `ThrottledStream` that is always `Unpin`.
//! The price: `new` needs an upstream that is `Send + 'static`, and a runtime
//! (`throttle` makes its `Sleep` at once).
//! expect: pass

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::Stream;
use tokio_stream::StreamExt as _;

// ANCHOR: stream
pub struct ThrottledStream<S: Stream> {
    inner: Pin<Box<dyn Stream<Item = S::Item> + Send>>,
}

impl<S: Stream + Send + 'static> ThrottledStream<S> {
    pub fn new(stream: S, delay: Duration) -> Self {
        Self {
            inner: Box::pin(stream.throttle(delay)),
        }
    }
}

impl<S: Stream + Unpin> Stream for ThrottledStream<S> {
    type Item = S::Item;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}
// ANCHOR_END: stream
