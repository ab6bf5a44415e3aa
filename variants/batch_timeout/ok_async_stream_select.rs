//! Alternative solution: the batching loop written as the `async` code one
//! would write by hand, inside `async_stream::stream!`, with a `biased`
//! `tokio::select!` that looks at the deadline before the upstream. One
//! `Sleep`, pinned once, moved to each batch's deadline with `reset`; its
//! branch is off (`if !batch.is_empty()`) while no batch is open. The
//! generated stream is `!Unpin` (it holds the `Sleep` and the loop's state),
//! so it is boxed as a `dyn Stream`: `new` needs `S: Send + 'static`.
//! expect: pass

use std::mem;
use std::pin::{Pin, pin};
use std::task::{Context, Poll};
use std::time::Duration;

use async_stream::stream;
use futures::{Stream, StreamExt};
use tokio::time::{Instant, sleep};

/// Yields the items of `stream` in batches (`Vec`s) of at most `max` items.
///
/// A batch goes out as soon as it holds `max` items, or once `wait` has passed
/// since its first item, whichever comes first; an item that arrives when the
/// batch's time is up already belongs to the next batch. When the upstream
/// ends, the batch being filled goes out at once, and then the stream ends.
/// It never yields an empty batch.
pub struct BatchTimeout<S: Stream> {
    inner: Pin<Box<dyn Stream<Item = Vec<S::Item>> + Send>>,
}

impl<S: Stream + Send + 'static> BatchTimeout<S>
where
    S::Item: Send,
{
    /// Batches `stream` into batches of at most `max` items, each of which
    /// waits at most `wait` after its first item.
    pub fn new(stream: S, max: usize, wait: Duration) -> Self {
        assert!(max >= 1, "BatchTimeout: `max` must be at least 1, got 0");
        // ANCHOR: loop
        let inner = stream! {
            let mut upstream = pin!(stream);
            let mut deadline = pin!(sleep(wait));
            let mut batch = Vec::new();
            loop {
                // `None`: the open batch's time is up; `Some(item)`: what
                // the upstream said. The deadline is looked at first.
                let next = tokio::select! {
                    biased;
                    () = deadline.as_mut(), if !batch.is_empty() => None,
                    item = upstream.next() => Some(item),
                };
                match next {
                    None => yield mem::take(&mut batch),
                    Some(Some(item)) => {
                        if batch.is_empty() {
                            deadline.as_mut().reset(Instant::now() + wait);
                        }
                        batch.push(item);
                        if batch.len() == max {
                            yield mem::take(&mut batch);
                        }
                    }
                    Some(None) => {
                        if !batch.is_empty() {
                            yield batch;
                        }
                        break;
                    }
                }
            }
        };
        // ANCHOR_END: loop
        Self {
            inner: Box::pin(inner),
        }
    }
}

impl<S: Stream + Unpin> Stream for BatchTimeout<S> {
    type Item = Vec<S::Item>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}
