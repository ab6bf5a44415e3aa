//! The "fix" everyone tries first: keep `try_recv`, and wake the task before
//! returning `Pending` so that it is polled again. Nothing is lost any more,
//! but the task is polled in a loop while both channels are empty.
//! expect: fail a_send_on_the_normal_channel_wakes_a_pending_inbox "busy loop"

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

// ANCHOR: bug
impl<T> Stream for PriorityInbox<T> {
    type Item = T;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        if let Ok(item) = self.urgent.try_recv() {
            return Poll::Ready(Some(item));
        }
        match self.normal.try_recv() {
            Ok(item) => Poll::Ready(Some(item)),
            Err(TryRecvError::Disconnected) if self.urgent.is_closed() => Poll::Ready(None),
            // ANCHOR: busy
            // Nothing yet: ask to be polled again at once.
            Err(_) => {
                cx.waker().wake_by_ref();
                Poll::Pending
            } // ANCHOR_END: busy
        }
    }
}
// ANCHOR_END: bug
