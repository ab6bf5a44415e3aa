//! Mistake: polls the timer only at the top of `poll_next`, before it takes
//! items. The poll that takes a batch's first item creates the timer and then
//! returns the upstream's `Pending` without ever polling it: no wake-up is
//! registered with the timer. If nothing else arrives, nobody wakes the task
//! at the deadline, and the batch waits until the next item or the end (a
//! lost wake-up).
//! expect: fail waits_for_the_deadline_without_spinning_and_is_woken_at_it "lost wake-up"
//! expect: fail a_quiet_upstream_has_no_timer_running "lost wake-up"
//! expect: fail the_timer_starts_at_the_first_item_of_each_batch_not_at_the_last_flush "Each batch waits `wait` from its own first item"
//! expect: fail a_quiet_upstream_has_no_timer_running "nothing woke it after poll 2's Pending"
//! expect: pass a_partial_batch_goes_out_wait_after_its_first_item

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
    /// The open batch's deadline, started by its first item.
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
        if this.ended {
            return Poll::Ready(None);
        }
        // ANCHOR: poll_next
        if let Some(deadline) = this.deadline.as_mut()
            && deadline.as_mut().poll(cx).is_ready()
        {
            this.deadline = None;
            return Poll::Ready(Some(mem::take(&mut this.batch)));
        }
        loop {
            match ready!(this.stream.poll_next_unpin(cx)) {
                Some(item) => {
                    if this.batch.is_empty() {
                        // BUG: created here, first polled on the next call
                        // (if there is one).
                        this.deadline = Some(Box::pin(sleep(this.wait)));
                    }
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
        // ANCHOR_END: poll_next
    }
}
