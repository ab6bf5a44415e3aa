//! Alternative solution: while the delay runs, it already takes the next item
//! from upstream and holds it, then lets it out when the delay is over.
//! expect: pass

use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use futures::{Stream, StreamExt};
use pin_project_lite::pin_project;
use tokio::time::{Sleep, sleep};

pin_project! {
    /// Yields the items of `stream`, at most one per `delay`.
    ///
    /// The first item goes out as soon as the upstream has it. Each later item
    /// goes out `delay` after the one before, or as soon as the upstream has it,
    /// whichever is later: a slow upstream adds no extra wait. It ends when the
    /// upstream ends.
    // No field is pinned (`#[pin]`), so the struct is `Unpin` whatever `S::Item`
    // is, and `project()` gives plain `&mut` access to every field.
    pub struct ThrottledStream<S: Stream> {
        stream: S,
        delay: Duration,
        // The wait before the next item may go out, started when the last item
        // went out; `None` when the next item may go out at once.
        sleep: Option<Pin<Box<Sleep>>>,
        // An item taken from upstream early: `Some(None)` if upstream has ended.
        held: Option<Option<S::Item>>,
    }
}

impl<S: Stream> ThrottledStream<S> {
    /// Throttles `stream` to one item per `delay`.
    pub fn new(stream: S, delay: Duration) -> Self {
        Self {
            stream,
            delay,
            sleep: None,
            held: None,
        }
    }
}

impl<S: Stream + Unpin> Stream for ThrottledStream<S> {
    type Item = S::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        let this = self.project();
        if this.held.is_none() {
            if let Poll::Ready(item) = this.stream.poll_next_unpin(cx) {
                *this.held = Some(item);
            }
        }
        if let Some(sleep) = this.sleep.as_mut() {
            ready!(sleep.as_mut().poll(cx));
            *this.sleep = None;
        }
        let Some(item) = this.held.take() else {
            return Poll::Pending; // the upstream's Pending registered our waker
        };
        if item.is_some() && !this.delay.is_zero() {
            *this.sleep = Some(Box::pin(sleep(*this.delay)));
        }
        Poll::Ready(item)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        // Throttling changes when items come, not how many.
        self.stream.size_hint()
    }
}
