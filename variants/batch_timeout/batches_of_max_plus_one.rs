//! Mistake: hands a batch out when it has *more* than `max` items: every full
//! batch holds one item too many (off by one).
//! expect: fail batches_hold_at_most_max_items "a batch must hold at most `max`"
//! expect: fail a_batch_goes_out_the_moment_it_has_max_items "goes out at once"

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
            if let Some(deadline) = this.deadline.as_mut()
                && deadline.as_mut().poll(cx).is_ready()
            {
                this.deadline = None;
                return Poll::Ready(Some(mem::take(&mut this.batch)));
            }
            match ready!(this.stream.poll_next_unpin(cx)) {
                Some(item) => {
                    if this.batch.is_empty() {
                        this.deadline = Some(Box::pin(sleep(this.wait)));
                    }
                    this.batch.push(item);
                    // BUG: `>` where `==` (or `>=`) belongs.
                    if this.batch.len() > this.max {
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
