//! Mistake in the fix: merges the two channels with `futures::stream::select`.
//! No wake-up is lost any more, but `select` takes turns, one stream then the
//! other, so a normal item goes out while urgent ones are waiting: the
//! priority is gone.
//! expect: fail urgent_items_go_first_whenever_one_is_waiting "before any normal one"
//! expect: fail an_awaiting_consumer_gets_urgent_items_first "an urgent item before a normal one"

use std::pin::Pin;
use std::task::{Context, Poll};

use futures::Stream;
use futures::stream::{Select, select};
use tokio::sync::mpsc::Receiver;
use tokio_stream::wrappers::ReceiverStream;

// ANCHOR: fix
#[derive(Debug)]
pub struct PriorityInbox<T> {
    merged: Select<ReceiverStream<T>, ReceiverStream<T>>,
}

impl<T> PriorityInbox<T> {
    pub fn new(urgent: Receiver<T>, normal: Receiver<T>) -> Self {
        Self {
            merged: select(ReceiverStream::new(urgent), ReceiverStream::new(normal)),
        }
    }
}

impl<T> Stream for PriorityInbox<T> {
    type Item = T;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        Pin::new(&mut self.merged).poll_next(cx)
    }
}
// ANCHOR_END: fix
