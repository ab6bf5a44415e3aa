//! `batch_timeout`: a stream adapter that gathers items into batches of at
//! most `max`, and lets a batch go early once it has waited `wait`.
//!
//! A batch opens with its first item, and that item starts the batch's timer:
//! the batch goes out when it is full or when the timer fires, whichever comes
//! first. While no batch is open there is no timer at all, so a quiet upstream
//! costs nothing and never produces an empty batch. The timer is a
//! `tokio::time::Sleep` in a `Box::pin`, which keeps `BatchTimeout<S>` `Unpin`
//! whenever `S` is.

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
// ANCHOR: state
pub struct BatchTimeout<S: Stream> {
    stream: S,
    max: usize,
    wait: Duration,
    /// The batch being filled; empty while no batch is open.
    batch: Vec<S::Item>,
    /// The open batch's deadline, started by its first item; `None` while no
    /// batch is open.
    deadline: Option<Pin<Box<Sleep>>>,
    /// The upstream has returned `None`: it must not be polled again.
    ended: bool,
}

// `Vec<T>` is `Unpin` only when `T` is, so without this line the struct would
// need `S::Item: Unpin` too. Nothing here is ever pinned in place (items only
// move in and out of the batch; the `Sleep` is pinned in its own box), so the
// struct may move whenever the upstream may: safe code, no promise broken.
impl<S: Stream + Unpin> Unpin for BatchTimeout<S> {}
// ANCHOR_END: state

// ANCHOR: new
impl<S: Stream> BatchTimeout<S> {
    /// Batches `stream` into batches of at most `max` items, each of which
    /// waits at most `wait` after its first item.
    ///
    /// # Panics
    ///
    /// If `max` is 0: no batch could ever hold an item.
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

    /// Hands out the open batch and closes it: no batch, no timer.
    fn flush(&mut self) -> Vec<S::Item> {
        self.deadline = None;
        mem::take(&mut self.batch)
    }
}
// ANCHOR_END: new

// ANCHOR: stream
impl<S: Stream + Unpin> Stream for BatchTimeout<S> {
    type Item = Vec<S::Item>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            // 0. An upstream that has ended is never polled again (it may
            //    panic, or start over): this stream has ended too.
            if this.ended {
                return Poll::Ready(None);
            }

            // 1. The deadline first: once the open batch's time is up, it goes
            //    out as it is, before anything more is taken from upstream.
            //    Polling the `Sleep` also registers `cx`'s waker with the timer,
            //    on the very poll that created it (we come back here after
            //    every item).
            if let Some(deadline) = this.deadline.as_mut()
                && deadline.as_mut().poll(cx).is_ready()
            {
                return Poll::Ready(Some(this.flush()));
            }

            // 2. Then the upstream. `Pending` has registered the same waker,
            //    so either the next item or the timer wakes us.
            match ready!(this.stream.poll_next_unpin(cx)) {
                Some(item) => {
                    // The first item opens a batch and starts its timer: not
                    // `new`, not the last flush. A quiet upstream has none.
                    if this.batch.is_empty() {
                        this.deadline = Some(Box::pin(sleep(this.wait)));
                    }
                    this.batch.push(item);
                    if this.batch.len() == this.max {
                        return Poll::Ready(Some(this.flush()));
                    }
                }
                None => {
                    // The last partial batch goes out now, and the end after
                    // it (on the next poll, thanks to `ended`).
                    this.ended = true;
                    let last = this.flush();
                    return Poll::Ready((!last.is_empty()).then_some(last));
                }
            }
        }
    }
}
// ANCHOR_END: stream
