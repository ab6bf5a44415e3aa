//! Remembers when the delay ends as an `Instant` and compares it with the
//! clock, but never asks the timer to wake it: while it waits it returns
//! `Pending` with nobody to wake the task (a lost wake-up). It only moves
//! on when something else happens to poll it again.

use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use futures::{Stream, StreamExt};
use tokio::time::Instant;

use crate::Bug;

pub const BUG: Bug = Bug {
    name: "forgets_the_timer",
    wrong: "returns Pending while it waits out a delay without registering a wake-up with \
            the timer (a lost wake-up): the item only goes out if something else happens to \
            poll it again",
    exposed_by: "a mock task (tokio_test::task::spawn) on the paused clock: poll until \
                 Pending, `tokio::time::advance` past the delay, and check `is_woken()`; an \
                 `.await` inside `tokio::time::timeout` does not see it (the timeout polls \
                 the stream again when it fires), unless the test also checks the exact time",
};

pub struct Throttle<S> {
    stream: S,
    delay: Duration,
    not_before: Option<Instant>,
}

impl<S> Throttle<S> {
    pub fn new(stream: S, delay: Duration) -> Self {
        Self {
            stream,
            delay,
            not_before: None,
        }
    }
}

impl<S: Stream + Unpin> Stream for Throttle<S> {
    type Item = S::Item;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        if let Some(not_before) = self.not_before {
            if Instant::now() < not_before {
                return Poll::Pending;
            }
            self.not_before = None;
        }
        let item = ready!(self.stream.poll_next_unpin(cx));
        if item.is_some() {
            self.not_before = Some(Instant::now() + self.delay);
        }
        Poll::Ready(item)
    }
}
