//! Never passes the upstream's end on: when the upstream ends it returns
//! `Pending` for ever, so a `while let Some(item) = throttle.next().await`
//! loop never finishes, although every item arrived on time.

use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use futures::{Stream, StreamExt};
use tokio::time::{Sleep, sleep};

use crate::Bug;

pub const BUG: Bug = Bug {
    name: "never_ends",
    wrong: "never ends: when the upstream ends it returns Pending for ever instead of None, \
            although every item came on time",
    exposed_by: "reading the stream to its end with a bound (`tokio::time::timeout` on the \
                 paused clock, or a mock task that expects `Ready(None)`) and asserting it \
                 ends",
};

pub struct Throttle<S> {
    stream: S,
    delay: Duration,
    sleep: Option<Pin<Box<Sleep>>>,
}

impl<S> Throttle<S> {
    pub fn new(stream: S, delay: Duration) -> Self {
        Self {
            stream,
            delay,
            sleep: None,
        }
    }
}

impl<S: Stream + Unpin> Stream for Throttle<S> {
    type Item = S::Item;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        if let Some(sleep) = self.sleep.as_mut() {
            ready!(sleep.as_mut().poll(cx));
            self.sleep = None;
        }
        match ready!(self.stream.poll_next_unpin(cx)) {
            Some(item) => {
                self.sleep = Some(Box::pin(sleep(self.delay)));
                Poll::Ready(Some(item))
            }
            None => Poll::Pending,
        }
    }
}
