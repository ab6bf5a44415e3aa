//! `fix_lost_wakeup`: a priority merge of two channels, repaired.
//!
//! The bug: `try_recv` only looks. When both channels were empty, the stream
//! returned `Pending` without arranging for anyone to wake it, so the next
//! send went unnoticed and the consumer slept forever. `poll_recv` looks *and*
//! registers the task's waker with the channel when there is nothing to take.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures::Stream;
use tokio::sync::mpsc::Receiver;

/// Merges two channels, urgent items first.
///
/// Yields an urgent item whenever one is waiting, otherwise a normal one.
/// While both channels are empty (and at least one is open) it is `Pending`,
/// and a send on either wakes it. It ends when both channels are closed and
/// empty.
#[derive(Debug)]
pub struct PriorityInbox<T> {
    urgent: Receiver<T>,
    normal: Receiver<T>,
}

impl<T> PriorityInbox<T> {
    /// Merges `urgent` and `normal`.
    pub fn new(urgent: Receiver<T>, normal: Receiver<T>) -> Self {
        Self { urgent, normal }
    }
}

// ANCHOR: fix
impl<T> Stream for PriorityInbox<T> {
    type Item = T;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let this = &mut *self;
        // Urgent first. If it is empty, `poll_recv` has registered our waker
        // with the urgent channel: a send there will wake us.
        let urgent = this.urgent.poll_recv(cx);
        if let Poll::Ready(Some(item)) = urgent {
            return Poll::Ready(Some(item));
        }
        // Then normal, which registers the waker with the normal channel.
        match this.normal.poll_recv(cx) {
            Poll::Ready(Some(item)) => Poll::Ready(Some(item)),
            // Both channels have ended: so has the merge.
            Poll::Ready(None) if urgent.is_ready() => Poll::Ready(None),
            // At least one channel returned `Pending`, and so will wake us.
            _ => Poll::Pending,
        }
    }
}
// ANCHOR_END: fix
