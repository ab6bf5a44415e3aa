//! Mistake: starts the timer with the first item, then restarts it every time
//! a batch goes out, as if batches were due every `wait`. A batch's time is
//! then counted from the last flush, not from its own first item: an item
//! that arrives 30 ms after a flush waits only 70 ms, and the times drift.
//! While nothing arrives, the timer keeps firing and restarting.
//! expect: fail the_timer_starts_at_the_first_item_of_each_batch_not_at_the_last_flush "the times drift"
//! expect: fail a_quiet_upstream_has_no_timer_running "started again when the batch went out"
//! expect: fail a_batch_goes_out_the_moment_it_has_max_items "whose own timer ends at 130 ms"

use std::mem;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use futures::{Stream, StreamExt};
use tokio::time::{Instant, Sleep, sleep};

/// Yields the items of `stream` in batches (`Vec`s) of at most `max` items.
///
/// A batch goes out as soon as it holds `max` items, or once `wait` has passed
/// since its first item, whichever comes first; an item that arrives when the
/// batch's time is up already belongs to the next batch. When the upstream
/// ends, the batch being filled goes out at once, and then the stream ends.
/// It never yields an empty batch.
#[derive(Debug)]
pub struct BatchTimeout<S: Stream> {
    stream: S,
    max: usize,
    wait: Duration,
    batch: Vec<S::Item>,
    /// Started by the first item ever, then restarted at every flush.
    deadline: Option<Pin<Box<Sleep>>>,
    ended: bool,
}

// `Vec<T>` is `Unpin` only when `T` is; nothing here is pinned in place.
impl<S: Stream + Unpin> Unpin for BatchTimeout<S> {}

impl<S: Stream> BatchTimeout<S> {
    /// Batches `stream` into batches of at most `max` items, each of which
    /// waits at most `wait` after its first item.
    pub fn new(stream: S, max: usize, wait: Duration) -> Self {
        assert!(max >= 1, "BatchTimeout: `max` must be at least 1, got 0");
        Self {
            stream,
            max,
            wait,
            batch: Vec::new(),
            deadline: None,
            ended: false,
        }
    }
}

impl<S: Stream + Unpin> Stream for BatchTimeout<S> {
    type Item = Vec<S::Item>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if this.ended {
                return Poll::Ready(None);
            }
            if let Some(deadline) = this.deadline.as_mut()
                && deadline.as_mut().poll(cx).is_ready()
            {
                // ANCHOR: restart
                // BUG: the next batch's time starts now, at the flush, not at
                // its own first item.
                deadline.as_mut().reset(Instant::now() + this.wait);
                if !this.batch.is_empty() {
                    return Poll::Ready(Some(mem::take(&mut this.batch)));
                }
                // ANCHOR_END: restart
                continue;
            }
            match ready!(this.stream.poll_next_unpin(cx)) {
                Some(item) => {
                    if this.deadline.is_none() {
                        this.deadline = Some(Box::pin(sleep(this.wait)));
                    }
                    this.batch.push(item);
                    if this.batch.len() == this.max {
                        if let Some(deadline) = this.deadline.as_mut() {
                            deadline.as_mut().reset(Instant::now() + this.wait);
                        }
                        return Poll::Ready(Some(mem::take(&mut this.batch)));
                    }
                }
                None => {
                    this.ended = true;
                    let last = mem::take(&mut this.batch);
                    return Poll::Ready((!last.is_empty()).then_some(last));
                }
            }
        }
    }
}
