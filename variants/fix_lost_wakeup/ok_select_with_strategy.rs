//! Alternative fix, from the ecosystem: each channel as a `ReceiverStream`
//! (whose `poll_next` is `poll_recv`, waker and all), merged by
//! `futures::stream::select_with_strategy` with a strategy that always asks the
//! urgent stream first. It polls the other stream when the first has nothing,
//! and ends only when both have ended.
//! expect: pass

use std::pin::Pin;
use std::task::{Context, Poll};

use futures::Stream;
use futures::stream::{PollNext, SelectWithStrategy, select_with_strategy};
use tokio::sync::mpsc::Receiver;
use tokio_stream::wrappers::ReceiverStream;

/// Always the urgent (left) stream first.
fn urgent_first(_: &mut ()) -> PollNext {
    PollNext::Left
}

// ANCHOR: fix
#[derive(Debug)]
pub struct PriorityInbox<T> {
    merged: SelectWithStrategy<ReceiverStream<T>, ReceiverStream<T>, fn(&mut ()) -> PollNext, ()>,
}

impl<T> PriorityInbox<T> {
    pub fn new(urgent: Receiver<T>, normal: Receiver<T>) -> Self {
        Self {
            merged: select_with_strategy(
                ReceiverStream::new(urgent),
                ReceiverStream::new(normal),
                urgent_first as fn(&mut ()) -> PollNext,
            ),
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
