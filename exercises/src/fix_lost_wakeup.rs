//! `fix_lost_wakeup`: spot the bug, then fix it.
//!
//! Book: "Fix the lost wake-up" (in the Spot the bug part). Test:
//! `cargo test --test fix_lost_wakeup`.
//!
//! This stream compiles, passes a quick test with items already waiting, and
//! hangs in production. Find out why, and repair it. The public API stays.

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

    fn poll_next(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<T>> {
        if let Ok(item) = self.urgent.try_recv() {
            return Poll::Ready(Some(item));
        }
        match self.normal.try_recv() {
            Ok(item) => Poll::Ready(Some(item)),
            Err(TryRecvError::Disconnected) if self.urgent.is_closed() => Poll::Ready(None),
            // Nothing yet: try again later.
            Err(_) => Poll::Pending,
        }
    }
}
// ANCHOR_END: bug
