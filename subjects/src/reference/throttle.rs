//! The reference `Throttle`: what `catch_throttle`'s tests pin down.
//!
//! A stream adapter that owns a timer (a `tokio::time::Sleep`, boxed so the
//! adapter stays `Unpin`). (It is the solution of the `throttled_stream`
//! exercise.)

use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use futures::{Stream, StreamExt};
use tokio::time::{Sleep, sleep};

/// Yields the items of `stream`, at most one per `delay`.
pub struct Throttle<S> {
    stream: S,
    delay: Duration,
    /// The wait before the next item may go out, started when the last item
    /// went out; `None` when the next item may go out at once.
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

// ANCHOR: poll_next
impl<S: Stream + Unpin> Stream for Throttle<S> {
    type Item = S::Item;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        // 1. Wait out the delay the last item started. Polling the `Sleep`
        //    registers this poll's waker with tokio's timer: when the delay
        //    is over, the timer wakes the task (no spinning, no lost wake-up).
        if let Some(sleep) = self.sleep.as_mut() {
            ready!(sleep.as_mut().poll(cx));
            self.sleep = None;
        }

        // 2. Only then ask the upstream. If it is `Pending`, it has
        //    registered the same waker: its next item wakes the task. The
        //    first item has no delay before it.
        let item = ready!(self.stream.poll_next_unpin(cx));

        // 3. An item goes out now, and starts the delay before the next. The
        //    end (`None`) goes out as it is.
        if item.is_some() {
            self.sleep = Some(Box::pin(sleep(self.delay)));
        }
        Poll::Ready(item)
    }
}
// ANCHOR_END: poll_next
