//! Mistake: waits for one item, then takes whatever else is already waiting
//! and yields that. While the channel is open, batches come out short.
//! expect: fail batched_waits_for_a_full_batch_and_is_woken_by_sends "don't yield a partial batch"
//! expect: fail batched_loses_and_reorders_nothing "is not full"

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
        self.rx
    }

    /// Closes the channel from the receiving side: senders can send no more,
    /// but the items already in the buffer are still yielded before `None`.
    pub fn close(&mut self) {
        self.rx.close();
    }
}

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

/// Groups the items received on `rx` into batches of `size`.
///
/// Each batch is yielded as soon as it is full; when the channel closes, the
/// items left over form a last, shorter batch. It never yields an empty batch.
///
/// # Panics
///
/// At the call, if `size` is 0.
pub fn batched<T: Send + 'static>(mut rx: Receiver<T>, size: usize) -> impl Stream<Item = Vec<T>> {
    // Check before building the stream: code inside `stream!` runs only when
    // the stream is first polled, far from the mistake.
    assert!(
        size >= 1,
        "batched: the batch size must be at least 1, got 0"
    );

    // `stream!` turns this async block into a `Stream`: each `yield` hands
    // one item to the consumer, and the block resumes when it asks for the next.
    // ANCHOR: batched
    stream! {
        while let Some(item) = rx.recv().await {
            let mut batch = vec![item];
            while batch.len() < size {
                match rx.try_recv() {
                    Ok(item) => batch.push(item),
                    Err(_) => break,
                }
            }
            yield batch;
        }
    }
    // ANCHOR_END: batched
}
