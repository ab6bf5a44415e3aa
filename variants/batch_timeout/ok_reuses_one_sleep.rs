//! Alternative solution: one `Sleep`, made in `new` and moved to each batch's
//! deadline with `reset` when the batch's first item arrives; "no batch open"
//! is simply an empty `batch`, so no flag and no `Option` are needed. The
//! upstream is fused (`StreamExt::fuse`), which keeps returning `None` after
//! the end without polling the upstream again. The price: `new` needs a
//! runtime with its timer enabled, since a `Sleep` cannot be made anywhere
//! else; and after a batch that filled up, its `Sleep` stays armed until the
//! next batch moves it, so it may wake the task once for nothing (harmless,
//! and not tested: `chunks_timeout` does the same).
//! expect: pass

use std::mem;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::stream::Fuse;
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
    stream: Fuse<S>,
    max: usize,
    wait: Duration,
    batch: Vec<S::Item>,
    /// The open batch's deadline; stale (and never polled) while `batch` is
    /// empty.
    deadline: Pin<Box<Sleep>>,
}

// `Vec<T>` is `Unpin` only when `T` is; nothing here is pinned in place.
impl<S: Stream + Unpin> Unpin for BatchTimeout<S> {}

impl<S: Stream> BatchTimeout<S> {
    /// Batches `stream` into batches of at most `max` items, each of which
    /// waits at most `wait` after its first item.
    pub fn new(stream: S, max: usize, wait: Duration) -> Self {
        assert!(max >= 1, "BatchTimeout: `max` must be at least 1, got 0");
        Self {
            stream: stream.fuse(),
            max,
            wait,
            batch: Vec::new(),
            deadline: Box::pin(sleep(wait)),
        }
    }
}

impl<S: Stream + Unpin> Stream for BatchTimeout<S> {
    type Item = Vec<S::Item>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if !this.batch.is_empty() && this.deadline.as_mut().poll(cx).is_ready() {
                return Poll::Ready(Some(mem::take(&mut this.batch)));
            }
            match this.stream.poll_next_unpin(cx) {
                Poll::Ready(Some(item)) => {
                    if this.batch.is_empty() {
                        // The batch opens: its deadline is `wait` from now.
                        this.deadline.as_mut().reset(Instant::now() + this.wait);
                    }
                    this.batch.push(item);
                    if this.batch.len() == this.max {
                        return Poll::Ready(Some(mem::take(&mut this.batch)));
                    }
                }
                // Ended (and fused): the last batch if there is one, then
                // `None` on every later poll.
                Poll::Ready(None) if this.batch.is_empty() => return Poll::Ready(None),
                Poll::Ready(None) => return Poll::Ready(Some(mem::take(&mut this.batch))),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}
