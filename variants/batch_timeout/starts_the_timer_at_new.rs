//! Mistake: makes the timer in `new`, due `wait` after the stream was made,
//! and starts it again after each batch. The first batch's time is counted
//! from `new`, however late the first item comes: made at 0 ms, an item that
//! arrives at 70 ms goes out at 100 ms instead of 170 ms. And a quiet stream
//! is woken every `wait` for nothing.
//! expect: fail the_timer_starts_at_the_first_item_not_at_new_or_the_first_poll "its timer was started in `new`"
//! expect: fail a_quiet_upstream_has_no_timer_running "a timer runs while no batch is open"

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
    /// Made in `new`, started again after each batch.
    deadline: Pin<Box<Sleep>>,
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
            // BUG: the first batch's time starts here, not at its first item.
            deadline: Box::pin(sleep(wait)),
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
            if this.deadline.as_mut().poll(cx).is_ready() {
                this.deadline.as_mut().reset(Instant::now() + this.wait);
                if !this.batch.is_empty() {
                    return Poll::Ready(Some(mem::take(&mut this.batch)));
                }
                continue;
            }
            match ready!(this.stream.poll_next_unpin(cx)) {
                Some(item) => {
                    this.batch.push(item);
                    if this.batch.len() == this.max {
                        this.deadline.as_mut().reset(Instant::now() + this.wait);
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
