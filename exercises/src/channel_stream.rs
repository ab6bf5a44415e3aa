//! `channel_stream`: a channel receiver as a stream.
//!
//! Book: "ChannelStream" (in the Channels part). Test: `cargo test --test channel_stream`.

use std::pin::Pin;
use std::task::{Context, Poll};

use async_stream::stream;
use futures::Stream;
use tokio::sync::mpsc::Receiver;

/// A `Stream` of the items received on a tokio `mpsc` channel.
///
/// It yields every item in the order it was sent and ends (`None`) when every
/// `Sender` is gone and the buffer is empty. While the channel is empty but
/// open it is `Pending`, and the next send (or the last sender's drop) wakes it.
#[derive(Debug)]
pub struct ReceiverStream<T> {
    rx: Receiver<T>,
}

impl<T> ReceiverStream<T> {
    /// Wraps `rx`.
    pub fn new(rx: Receiver<T>) -> Self {
        Self { rx }
    }

    /// Unwraps the stream, giving back the receiver with whatever it still holds.
    pub fn into_inner(self) -> Receiver<T> {
        todo!("give the receiver back")
    }

    /// Closes the channel from the receiving side: senders can send no more,
    /// but the items already in the buffer are still yielded before `None`.
    pub fn close(&mut self) {
        todo!("the receiver knows how to close its channel")
    }
}

impl<T> Stream for ReceiverStream<T> {
    type Item = T;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        todo!("which method of `Receiver` takes a `Context` and returns `Poll<Option<T>>`?")
    }
}

/// Groups the items received on `rx` into batches of `size`.
///
/// Each batch is yielded as soon as it is full; when the channel closes, the
/// items left over form a last, shorter batch. It never yields an empty batch.
///
/// # Panics
///
/// At the call, if `size` is 0.
pub fn batched<T: Send + 'static>(rx: Receiver<T>, size: usize) -> impl Stream<Item = Vec<T>> {
    todo!("check `size`, then return `stream! {{ … }}`: receive, fill a batch, `yield` it");
    // Only here so that the stub compiles (the return type needs a stream):
    // replace the whole body.
    futures::stream::empty()
}
