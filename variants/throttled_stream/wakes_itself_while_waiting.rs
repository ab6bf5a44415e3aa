//! Mistake: remembers when the next item may go out and, until then, wakes
//! its own task and returns `Pending`: a busy loop that polls again and again
//! for the whole delay. On the paused clock, time cannot even move on.
//! expect: fail waits_without_spinning_and_is_woken_when_the_delay_is_over "busy loop"
//! expect: fail a_ready_upstream_is_emitted_at_0_d_2d_3d_4d "busy loop"
//! expect: fail first_item_is_not_delayed "each woke itself during the poll"

use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use futures::{Stream, StreamExt};
use tokio::time::Instant;

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
    not_before: Option<Instant>,
}

impl<S> ThrottledStream<S> {
    /// Throttles `stream` to one item per `delay`.
    pub fn new(stream: S, delay: Duration) -> Self {
        Self {
            stream,
            delay,
            not_before: None,
        }
    }
}

impl<S: Stream + Unpin> Stream for ThrottledStream<S> {
    type Item = S::Item;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        // ANCHOR: poll_next
        if let Some(not_before) = self.not_before {
            if Instant::now() < not_before {
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
        }
        let item = ready!(self.stream.poll_next_unpin(cx));
        if item.is_some() {
            self.not_before = Some(Instant::now() + self.delay);
        }
        Poll::Ready(item)
        // ANCHOR_END: poll_next
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        // Throttling changes when items come, not how many.
        self.stream.size_hint()
    }
}
