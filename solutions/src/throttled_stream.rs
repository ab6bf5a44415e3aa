//! `throttled_stream`: a stream adapter that lets at most one item through
//! per `delay`.
//!
//! The adapter owns a timer, a `tokio::time::Sleep`. `Sleep` is `!Unpin`, so
//! it lives in a `Box::pin`: that keeps `ThrottledStream<S>` itself `Unpin`
//! whenever `S` is, at the cost of one allocation per wait.

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
// ANCHOR: state
pub struct ThrottledStream<S> {
    stream: S,
    delay: Duration,
    /// The wait before the next item may go out, started when the last item
    /// went out; `None` when the next item may go out at once.
    sleep: Option<Pin<Box<Sleep>>>,
}
// ANCHOR_END: state

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

// ANCHOR: stream
impl<S: Stream + Unpin> Stream for ThrottledStream<S> {
    type Item = S::Item;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        // 1. Wait out the delay the last item started. Polling the `Sleep`
        //    registers `cx`'s waker with the runtime's timer, so returning
        //    `Pending` here (through `ready!`) is safe: the timer wakes us.
        if let Some(sleep) = self.sleep.as_mut() {
            ready!(sleep.as_mut().poll(cx));
            self.sleep = None;
        }

        // 2. Only now ask the upstream. If it is `Pending`, it has registered
        //    the same waker, so its next item wakes us.
        let item = ready!(self.stream.poll_next_unpin(cx));

        // 3. An item goes out now: the next one may not go before `delay`.
        //    (With no delay, skip the timer entirely.)
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
// ANCHOR_END: stream
