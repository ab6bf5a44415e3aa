//! Mistake: when a batch fills up, hands it out but leaves its timer running.
//! If no item arrives before that timer fires, the stream hands out the batch
//! it has, an empty one.
//! expect: fail never_emits_an_empty_batch "an empty batch went out at 100 ms"

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
        loop {
            if this.ended {
                return Poll::Ready(None);
            }
            // ANCHOR: fire
            if let Some(deadline) = this.deadline.as_mut()
                && deadline.as_mut().poll(cx).is_ready()
            {
                this.deadline = None;
                // BUG: the batch may be empty: it went out when it was full.
                return Poll::Ready(Some(mem::take(&mut this.batch)));
            }
            // ANCHOR_END: fire
            match ready!(this.stream.poll_next_unpin(cx)) {
                Some(item) => {
                    if this.batch.is_empty() {
                        this.deadline = Some(Box::pin(sleep(this.wait)));
                    }
                    this.batch.push(item);
                    // ANCHOR: full
                    if this.batch.len() == this.max {
                        // BUG: the batch goes, its timer stays.
                        return Poll::Ready(Some(mem::take(&mut this.batch)));
                    }
                    // ANCHOR_END: full
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
