//! `batch_timeout`: a stream adapter that gathers items into batches of at
//! most `max`, and lets a batch go early once it has waited `wait`.
//!
//! Book: "BatchTimeout" (in the Composing streams part). Test: `cargo test --test batch_timeout`.

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
    /// The batch being filled; empty while no batch is open.
    batch: Vec<S::Item>,
    /// The open batch's deadline, started by its first item; `None` while no
    /// batch is open. (`Sleep` is `!Unpin`; in a `Box::pin` it can be polled
    /// from an `Unpin` struct.)
    deadline: Option<Pin<Box<Sleep>>>,
    /// The upstream has returned `None`: it must not be polled again.
    ended: bool,
}

// `Vec<T>` is `Unpin` only when `T` is, so without this line the struct would
// need `S::Item: Unpin` too. Nothing here is ever pinned in place (items only
// move in and out of the batch; the `Sleep` is pinned in its own box), so the
// struct may move whenever the upstream may: safe code, no promise broken.
impl<S: Stream + Unpin> Unpin for BatchTimeout<S> {}

impl<S: Stream> BatchTimeout<S> {
    /// Batches `stream` into batches of at most `max` items, each of which
    /// waits at most `wait` after its first item.
    ///
    /// # Panics
    ///
    /// If `max` is 0: no batch could ever hold an item.
    pub fn new(stream: S, max: usize, wait: Duration) -> Self {
        todo!("refuse a `max` of 0 with a panic that says why, then store the arguments")
    }
}

impl<S: Stream + Unpin> Stream for BatchTimeout<S> {
    type Item = Vec<S::Item>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        todo!("is the open batch's time up? if not, take items until it is full or upstream waits")
    }
}
