//! Mistake: takes the item from upstream first, then waits a whole delay
//! before letting it out. Every item, the first too, is late by `delay`, and a
//! slow upstream's wait and the delay add up.
//! expect: fail first_item_is_not_delayed "should go out at once"
//! expect: fail a_slow_upstream_adds_no_extra_wait "delayed twice"

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
        held: Option<S::Item>,
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
            match ready!(this.stream.poll_next_unpin(cx)) {
                Some(item) => {
                    *this.held = Some(item);
                    *this.sleep = Some(Box::pin(sleep(*this.delay)));
                }
                None => return Poll::Ready(None),
            }
        }
        if let Some(sleep) = this.sleep.as_mut() {
            ready!(sleep.as_mut().poll(cx));
            *this.sleep = None;
        }
        Poll::Ready(this.held.take())
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        // Throttling changes when items come, not how many.
        self.stream.size_hint()
    }
}
