//! Alternative solution: one `Sleep`, allocated once and moved to a new
//! deadline with `reset`, and a flag saying whether it is running.
//! expect: pass

use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use futures::{Stream, StreamExt};
use tokio::time::{Instant, Sleep, sleep};

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
    sleep: Pin<Box<Sleep>>,
    waiting: bool,
}

impl<S> ThrottledStream<S> {
    /// Throttles `stream` to one item per `delay`.
    pub fn new(stream: S, delay: Duration) -> Self {
        Self {
            stream,
            delay,
            sleep: Box::pin(sleep(Duration::ZERO)),
            waiting: false,
        }
    }
}

impl<S: Stream + Unpin> Stream for ThrottledStream<S> {
    type Item = S::Item;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        let this = &mut *self;
        if this.waiting {
            ready!(this.sleep.as_mut().poll(cx));
            this.waiting = false;
        }
        let item = ready!(this.stream.poll_next_unpin(cx));
        if item.is_some() && !this.delay.is_zero() {
            this.sleep.as_mut().reset(Instant::now() + this.delay);
            this.waiting = true;
        }
        Poll::Ready(item)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        // Throttling changes when items come, not how many.
        self.stream.size_hint()
    }
}
