//! While it waits out a delay, it keeps pulling from the upstream and keeps
//! only the newest item: the ones in between are lost (a sampler, not a
//! throttle).

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::{Stream, StreamExt};
use tokio::time::{Sleep, sleep};

use crate::Bug;

pub const BUG: Bug = Bug {
    name: "drops_items_while_waiting",
    wrong: "keeps only the newest item that arrived during a delay: the items in between \
            are lost",
    exposed_by: "an upstream with several items ready at once, collecting everything the \
                 throttle yields and comparing with every item sent, in order",
};

pub struct Throttle<S: Stream> {
    stream: S,
    delay: Duration,
    newest: Option<S::Item>,
    ended: bool,
    sleep: Option<Pin<Box<Sleep>>>,
}

impl<S: Stream> Throttle<S> {
    pub fn new(stream: S, delay: Duration) -> Self {
        Self {
            stream,
            delay,
            newest: None,
            ended: false,
            sleep: None,
        }
    }
}

// Nothing in it is ever pinned in place (the item is only moved in and out).
impl<S: Stream> Unpin for Throttle<S> {}

impl<S: Stream + Unpin> Stream for Throttle<S> {
    type Item = S::Item;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        let this = &mut *self;
        // Take whatever the upstream has now, keeping only the newest.
        while !this.ended {
            match this.stream.poll_next_unpin(cx) {
                Poll::Ready(Some(item)) => this.newest = Some(item),
                Poll::Ready(None) => this.ended = true,
                Poll::Pending => break,
            }
        }
        if let Some(sleep) = this.sleep.as_mut() {
            if sleep.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            this.sleep = None;
        }
        match this.newest.take() {
            Some(item) => {
                this.sleep = Some(Box::pin(sleep(this.delay)));
                Poll::Ready(Some(item))
            }
            None if this.ended => Poll::Ready(None),
            None => Poll::Pending,
        }
    }
}
