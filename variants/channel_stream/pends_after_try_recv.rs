//! Mistake: tries `try_recv` and returns `Pending` when the channel is empty.
//! `try_recv` registers no waker, so nothing wakes the task when an item
//! arrives: a lost wake-up, and `.next().await` hangs.
//! expect: fail a_pending_poll_is_woken_by_the_next_send "lost wake-up"
//! expect: fail ends_when_every_sender_is_gone_and_stays_ended "lost wake-up"
//! expect: fail composes_with_stream_ext_adapters "lost wake-up"
//! expect: fail a_pending_poll_is_woken_by_the_next_send "nothing woke it after poll 1's Pending"

use std::pin::Pin;
use std::task::{Context, Poll};

use async_stream::stream;
use futures::Stream;
use tokio::sync::mpsc::Receiver;
use tokio::sync::mpsc::error::TryRecvError;

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
        // ANCHOR: poll_next
        match self.rx.try_recv() {
            Ok(item) => Poll::Ready(Some(item)),
            // Nothing yet: "come back later". But `try_recv` left no waker
            // with the channel, so nobody will say when.
            Err(TryRecvError::Empty) => Poll::Pending,
            Err(TryRecvError::Disconnected) => Poll::Ready(None),
        }
        // ANCHOR_END: poll_next
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
    stream! {
        let mut batch = Vec::with_capacity(size);
        while let Some(item) = rx.recv().await {
            batch.push(item);
            if batch.len() == size {
                yield std::mem::replace(&mut batch, Vec::with_capacity(size));
            }
        }
        // Every sender is gone: flush the partial batch, if there is one.
        if !batch.is_empty() {
            yield batch;
        }
    }
}
