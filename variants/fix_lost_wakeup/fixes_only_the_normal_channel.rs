//! Half a fix: `poll_recv` on the normal channel, `try_recv` still on the
//! urgent one. An urgent send while both were empty wakes nobody.
//! expect: fail a_send_on_the_urgent_channel_wakes_a_pending_inbox "lost wake-up"
//! expect: fail a_send_on_the_urgent_channel_wakes_a_pending_inbox "nothing woke it after poll 1's Pending"
//! expect: pass a_send_on_the_normal_channel_wakes_a_pending_inbox

use std::pin::Pin;
use std::task::{Context, Poll};

use futures::Stream;
use tokio::sync::mpsc::Receiver;
use tokio::sync::mpsc::error::TryRecvError;

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

impl<T> Stream for PriorityInbox<T> {
    type Item = T;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let this = &mut *self;
        // Urgent first, but with `try_recv`: it only looks, and leaves no
        // waker with the urgent channel.
        // ANCHOR: urgent
        let urgent = match this.urgent.try_recv() {
            Ok(item) => return Poll::Ready(Some(item)),
            Err(TryRecvError::Empty) => Poll::Pending,
            Err(TryRecvError::Disconnected) => Poll::Ready(None::<T>),
        };
        // ANCHOR_END: urgent
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
