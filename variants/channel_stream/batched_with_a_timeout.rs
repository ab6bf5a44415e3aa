//! Mistake: `batched` is `chunks_timeout(size, 1 s)` from tokio-stream. Full
//! batches go out as soon as they are full, and the leftover at the end; but a
//! partial batch also goes out whenever a second passes, while the channel is
//! still open, which this contract does not allow.
//! expect: fail batched_holds_a_partial_batch_until_it_is_full_or_the_channel_closes "because time passed"
//! expect: pass batched_loses_and_reorders_nothing

use std::pin::Pin;
use std::task::{Context, Poll};

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

// ANCHOR: inherent
impl<T> ReceiverStream<T> {
    /// Wraps `rx`.
    pub fn new(rx: Receiver<T>) -> Self {
        Self { rx }
    }

    /// Unwraps the stream, giving back the receiver with whatever it still holds.
    pub fn into_inner(self) -> Receiver<T> {
        self.rx
    }

    /// Closes the channel from the receiving side: senders can send no more,
    /// but the items already in the buffer are still yielded before `None`.
    pub fn close(&mut self) {
        self.rx.close();
    }
}
// ANCHOR_END: inherent

// ANCHOR: stream
impl<T> Stream for ReceiverStream<T> {
    type Item = T;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        // `poll_recv` is `poll_next` in all but name: `Ready(Some(item))`,
        // `Ready(None)` once every sender is gone and the buffer is empty, or
        // `Pending` *after* storing `cx`'s waker, so that the next send (or
        // the last sender's drop) wakes this task. `Receiver` is `Unpin`, so
        // `self.rx` is reachable through the `Pin`.
        self.rx.poll_recv(cx)
    }
}
// ANCHOR_END: stream

// ANCHOR: batched
/// Groups the items received on `rx` into batches of `size`.
///
/// Each batch is yielded as soon as it is full; when the channel closes, the
/// items left over form a last, shorter batch. It never yields an empty batch.
///
/// # Panics
///
/// At the call, if `size` is 0.
pub fn batched<T: Send + 'static>(rx: Receiver<T>, size: usize) -> impl Stream<Item = Vec<T>> {
    assert!(
        size >= 1,
        "batched: the batch size must be at least 1, got 0"
    );
    // "Don't keep a few items waiting for ever: after a second, send what
    // there is." A batch then goes out half full while the channel is open.
    tokio_stream::StreamExt::chunks_timeout(
        tokio_stream::wrappers::ReceiverStream::new(rx),
        size,
        std::time::Duration::from_secs(1),
    )
}
// ANCHOR_END: batched
