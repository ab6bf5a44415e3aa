//! Alternative solution, from the ecosystem: `ReceiverStream` wraps
//! `tokio_stream::wrappers::ReceiverStream`, which already is this stream, and
//! `batched` is `futures::StreamExt::chunks` on it: full chunks as soon as they
//! are full, a last shorter one at the end, never an empty one. (`chunks`
//! panics on a size of 0 by itself, but with its own message, so `batched`
//! still checks first.)
//! expect: pass

use std::pin::Pin;
use std::task::{Context, Poll};

use futures::{Stream, StreamExt};
use tokio::sync::mpsc::Receiver;
use tokio_stream::wrappers;

#[derive(Debug)]
pub struct ReceiverStream<T> {
    inner: wrappers::ReceiverStream<T>,
}

// ANCHOR: wrapper
impl<T> ReceiverStream<T> {
    pub fn new(rx: Receiver<T>) -> Self {
        Self {
            inner: wrappers::ReceiverStream::new(rx),
        }
    }

    pub fn into_inner(self) -> Receiver<T> {
        self.inner.into_inner()
    }

    pub fn close(&mut self) {
        self.inner.close();
    }
}

impl<T> Stream for ReceiverStream<T> {
    type Item = T;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        self.inner.poll_next_unpin(cx)
    }
}
// ANCHOR_END: wrapper

// ANCHOR: batched
pub fn batched<T: Send + 'static>(rx: Receiver<T>, size: usize) -> impl Stream<Item = Vec<T>> {
    assert!(
        size >= 1,
        "batched: the batch size must be at least 1, got 0"
    );
    wrappers::ReceiverStream::new(rx).chunks(size)
}
// ANCHOR_END: batched
