//! Mistake: checks the clock instead of polling the `Sleep`, and returns
//! `Pending` while it is too early. Nothing was asked to wake the task, so it
//! is never polled again: a lost wake-up.
//! expect: fail waits_without_spinning_and_is_woken_when_the_delay_is_over "lost wake-up"
//! expect: fail a_ready_upstream_is_emitted_at_0_d_2d_3d_4d "never finished"

use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use futures::{Stream, StreamExt};
use tokio::time::{Sleep, sleep};

/// Yields the items of `stream`, at most one per `delay`.
///
/// The first item goes out as soon as the upstream has it. Each later item
/// goes out `delay` after the one before, or as soon as the upstream has it,
/// whichever is later: a slow upstream adds no extra wait. It ends when the
/// upstream ends.
#[derive(Debug)]
pub struct ThrottledStream<S> {
    stream: S,
    delay: Duration,
    /// The wait before the next item may go out, started when the last item
    /// went out; `None` when the next item may go out at once.
    sleep: Option<Pin<Box<Sleep>>>,
}

impl<S> ThrottledStream<S> {
    /// Throttles `stream` to one item per `delay`.
    pub fn new(stream: S, delay: Duration) -> Self {
        Self {
            stream,
            delay,
            sleep: None,
        }
    }
}

impl<S: Stream + Unpin> Stream for ThrottledStream<S> {
    type Item = S::Item;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        if let Some(sleep) = self.sleep.as_ref() {
            if !sleep.is_elapsed() {
                return Poll::Pending;
            }
            self.sleep = None;
        }
        let item = ready!(self.stream.poll_next_unpin(cx));
        if item.is_some() && !self.delay.is_zero() {
            self.sleep = Some(Box::pin(sleep(self.delay)));
        }
        Poll::Ready(item)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        // Throttling changes when items come, not how many.
        self.stream.size_hint()
    }
}
