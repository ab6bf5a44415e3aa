//! Starts each delay when the upstream's next item arrives, not when the
//! last item went out: with a ready upstream that is the same thing, but an
//! item that arrives late waits a whole extra `delay`.

use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use futures::{Stream, StreamExt};
use tokio::time::{Sleep, sleep};

use crate::Bug;

pub const BUG: Bug = Bug {
    name: "restarts_the_delay_after_a_slow_upstream",
    wrong: "starts the delay when the next item arrives instead of when the last one went \
            out, so an item from a slow upstream waits a whole extra delay",
    exposed_by: "an upstream that is slower than the delay (a channel fed by a task that \
                 sleeps until fixed instants, on the paused clock), checking that a late \
                 item goes out the moment it arrives",
};

pub struct Throttle<S: Stream> {
    stream: S,
    delay: Duration,
    held: Option<S::Item>,
    sleep: Option<Pin<Box<Sleep>>>,
    first: bool,
}

impl<S: Stream> Throttle<S> {
    pub fn new(stream: S, delay: Duration) -> Self {
        Self {
            stream,
            delay,
            held: None,
            sleep: None,
            first: true,
        }
    }
}

// Nothing in it is ever pinned in place (the item is only moved in and out).
impl<S: Stream> Unpin for Throttle<S> {}

impl<S: Stream + Unpin> Stream for Throttle<S> {
    type Item = S::Item;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        let this = &mut *self;
        if this.held.is_none() {
            let Some(item) = ready!(this.stream.poll_next_unpin(cx)) else {
                return Poll::Ready(None);
            };
            if this.first {
                this.first = false;
                return Poll::Ready(Some(item));
            }
            this.held = Some(item);
            this.sleep = Some(Box::pin(sleep(this.delay)));
        }
        if let Some(sleep) = this.sleep.as_mut() {
            ready!(sleep.as_mut().poll(cx));
            this.sleep = None;
        }
        Poll::Ready(this.held.take())
    }
}
