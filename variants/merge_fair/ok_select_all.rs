//! Another right answer: `futures::stream::SelectAll` does the merging. It
//! keeps the inputs in a `FuturesUnordered` and puts an input that gave an
//! item back at the end of its ready queue, so always-ready inputs take turns.
//! Its own `size_hint` is `Stream`'s default `(0, None)`, so this one adds up
//! the inputs' hints itself (`SelectAll::iter` reaches them).
//! expect: pass

use std::pin::Pin;
use std::task::{Context, Poll};

use futures::Stream;
use futures::stream::{SelectAll, StreamExt};

// ANCHOR: merge
/// Merges any number of streams into one, fairly.
#[derive(Debug)]
pub struct MergeFair<S> {
    inputs: SelectAll<S>,
}

impl<S: Stream + Unpin> MergeFair<S> {
    /// Merges `inputs`.
    pub fn new(inputs: impl IntoIterator<Item = S>) -> Self {
        Self {
            inputs: futures::stream::select_all(inputs),
        }
    }
}

impl<S: Stream + Unpin> Stream for MergeFair<S> {
    type Item = S::Item;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        self.inputs.poll_next_unpin(cx)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inputs
            .iter()
            .map(Stream::size_hint)
            .fold((0, Some(0)), |(low, high), (l, h)| {
                (
                    low.saturating_add(l),
                    high.zip(h).and_then(|(a, b)| a.checked_add(b)),
                )
            })
    }
}
// ANCHOR_END: merge
