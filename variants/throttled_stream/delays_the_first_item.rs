//! Mistake: starts the delay before every item, the first included, so even
//! an idle stream holds its first item back for a whole delay.
//! expect: fail first_item_is_not_delayed "start the Sleep after an item goes out"
//! expect: fail a_ready_upstream_is_emitted_at_0_d_2d_3d_4d "The first at once"
//! expect: fail a_slow_upstream_adds_no_extra_wait "only the first item was late"

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
        if self.sleep.is_none() && !self.delay.is_zero() {
            let delay = self.delay;
            self.sleep = Some(Box::pin(sleep(delay)));
        }
        if let Some(sleep) = self.sleep.as_mut() {
            ready!(sleep.as_mut().poll(cx));
        }
        let item = ready!(self.stream.poll_next_unpin(cx));
        self.sleep = None;
        Poll::Ready(item)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        // Throttling changes when items come, not how many.
        self.stream.size_hint()
    }
}
