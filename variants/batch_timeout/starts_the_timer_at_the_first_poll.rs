//! Mistake: makes the timer lazily, at the top of `poll_next`, whenever there
//! is none, and drops it when a batch goes out. So the first timer starts at
//! the first poll, and every later one at the poll right after a flush: a
//! batch's time is counted from when the consumer came asking, not from its
//! first item. Made at 0 ms and first polled at 30 ms, an item that arrives
//! at 70 ms goes out at 130 ms instead of 170 ms; and a quiet stream keeps
//! a timer running, woken every `wait` for nothing.
//! expect: fail the_timer_starts_at_the_first_item_not_at_new_or_the_first_poll "started when the stream was first polled"
//! expect: fail a_quiet_upstream_has_no_timer_running "a timer runs while no batch is open"
//! expect: fail the_timer_starts_at_the_first_item_of_each_batch_not_at_the_last_flush "the times drift"

use std::mem;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use futures::{Stream, StreamExt};
use tokio::time::{Sleep, sleep};

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
    /// Made at the first poll with none, dropped when a batch goes out.
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
            // BUG: a timer whenever there is none, batch or no batch.
            let wait = this.wait;
            let deadline = this.deadline.get_or_insert_with(|| Box::pin(sleep(wait)));
            if deadline.as_mut().poll(cx).is_ready() {
                this.deadline = None;
                if !this.batch.is_empty() {
                    return Poll::Ready(Some(mem::take(&mut this.batch)));
                }
                continue;
            }
            match ready!(this.stream.poll_next_unpin(cx)) {
                Some(item) => {
                    this.batch.push(item);
                    if this.batch.len() == this.max {
                        this.deadline = None;
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
