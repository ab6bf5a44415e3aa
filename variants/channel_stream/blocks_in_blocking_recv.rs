//! Mistake: `poll_next` returns `Poll::Ready(self.rx.blocking_recv())`. The
//! types fit, and with items waiting it even works; but on an empty channel it
//! blocks the polling thread until an item comes (the executor's thread, which
//! then runs nothing else), and inside a runtime tokio refuses it with a panic.
//! expect: fail is_pending_not_ended_while_a_sender_is_alive "blocking_recv"
//! expect: fail a_pending_poll_is_woken_by_the_next_send "never returned"
//! expect: fail composes_with_stream_ext_adapters "Cannot block the current thread"

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
        // ANCHOR: blocking
        // "`blocking_recv` returns exactly what `poll_next` must: an item, or
        // None at the end." It also waits for that item by blocking the
        // thread, and never looks at `cx`.
        let _ = cx;
        Poll::Ready(self.rx.blocking_recv())
        // ANCHOR_END: blocking
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
// ANCHOR_END: batched
