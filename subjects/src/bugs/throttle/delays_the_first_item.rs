//! Starts with a delay: the first item waits `delay` too, although nothing
//! went out before it. Every later item is on time.

use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use futures::{Stream, StreamExt};
use tokio::time::{Sleep, sleep};

use crate::Bug;

pub const BUG: Bug = Bug {
    name: "delays_the_first_item",
    wrong: "delays the first item by `delay` too, although no item went out before it",
    exposed_by: "a test on the paused clock (`#[tokio::test(start_paused = true)]`) that \
                 reads the first item of a ready upstream and checks it came at once \
                 (`Instant::now()` unchanged)",
};

pub struct Throttle<S> {
    stream: S,
    delay: Duration,
    sleep: Option<Pin<Box<Sleep>>>,
    started: bool,
}

impl<S> Throttle<S> {
    pub fn new(stream: S, delay: Duration) -> Self {
        Self {
            stream,
            delay,
            sleep: None,
            started: false,
        }
    }
}

impl<S: Stream + Unpin> Stream for Throttle<S> {
    type Item = S::Item;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        if !self.started {
            self.started = true;
            self.sleep = Some(Box::pin(sleep(self.delay)));
        }
        if let Some(sleep) = self.sleep.as_mut() {
            ready!(sleep.as_mut().poll(cx));
            self.sleep = None;
        }
        let item = ready!(self.stream.poll_next_unpin(cx));
        if item.is_some() {
            self.sleep = Some(Box::pin(sleep(self.delay)));
        }
        Poll::Ready(item)
    }
}
