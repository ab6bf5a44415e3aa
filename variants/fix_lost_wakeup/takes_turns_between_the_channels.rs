//! Mistake in the fix: "so that normal items are not starved", after serving
//! one channel it looks at the other one first. No wake-up is lost, and when
//! items trickle in one at a time nothing looks wrong; but with several urgent
//! items waiting, every other item out is a normal one: the priority is gone.
//! expect: fail urgent_items_go_first_whenever_one_is_waiting "before any normal one"

use std::pin::Pin;
use std::task::{Context, Poll};

use futures::Stream;
use tokio::sync::mpsc::Receiver;

#[derive(Debug)]
pub struct PriorityInbox<T> {
    urgent: Receiver<T>,
    normal: Receiver<T>,
    /// Whether the urgent channel is looked at first on the next poll.
    urgent_first: bool,
}

impl<T> PriorityInbox<T> {
    pub fn new(urgent: Receiver<T>, normal: Receiver<T>) -> Self {
        Self {
            urgent,
            normal,
            urgent_first: true,
        }
    }
}

// ANCHOR: fix
impl<T> Stream for PriorityInbox<T> {
    type Item = T;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let this = &mut *self;
        let (first, second) = if this.urgent_first {
            (&mut this.urgent, &mut this.normal)
        } else {
            (&mut this.normal, &mut this.urgent)
        };
        let first_polled = first.poll_recv(cx);
        if let Poll::Ready(Some(item)) = first_polled {
            // Served the first channel: the other one goes first next time.
            this.urgent_first = !this.urgent_first;
            return Poll::Ready(Some(item));
        }
        match second.poll_recv(cx) {
            Poll::Ready(Some(item)) => Poll::Ready(Some(item)),
            Poll::Ready(None) if first_polled.is_ready() => Poll::Ready(None),
            _ => Poll::Pending,
        }
    }
}
// ANCHOR_END: fix
