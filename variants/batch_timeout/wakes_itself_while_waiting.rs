//! Mistake: remembers when the open batch is due, an `Instant`, and until then
//! wakes its own task and returns `Pending` to look at the clock again: a busy
//! loop that polls again and again for the whole wait. On the paused clock,
//! time cannot even move on.
//! expect: fail waits_for_the_deadline_without_spinning_and_is_woken_at_it "busy loop"
//! expect: fail a_partial_batch_goes_out_wait_after_its_first_item "busy loop"

use std::mem;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use futures::{Stream, StreamExt};
use tokio::time::Instant;

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
    /// When the open batch is due.
    deadline: Option<Instant>,
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
            if this.deadline.is_some_and(|due| Instant::now() >= due) {
                this.deadline = None;
                return Poll::Ready(Some(mem::take(&mut this.batch)));
            }
            // ANCHOR: pending
            let item = match this.stream.poll_next_unpin(cx) {
                Poll::Ready(item) => item,
                Poll::Pending => {
                    if this.deadline.is_some() {
                        // BUG: "poll me again right away, to check the clock".
                        cx.waker().wake_by_ref();
                    }
                    return Poll::Pending;
                }
            };
            // ANCHOR_END: pending
            match item {
                Some(item) => {
                    if this.batch.is_empty() {
                        this.deadline = Some(Instant::now() + this.wait);
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
    }
}
