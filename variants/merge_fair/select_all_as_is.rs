//! Mistake: `futures::stream::SelectAll` used as it is. It merges fairly, but
//! it does not implement `size_hint`, so it reports `Stream`'s default
//! `(0, None)`: "no idea", where the inputs know exactly.
//! expect: fail size_hint_adds_up_the_live_inputs "`Stream`'s default"

use std::pin::Pin;
use std::task::{Context, Poll};

use futures::Stream;
use futures::stream::{SelectAll, StreamExt};

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
        self.inputs.size_hint()
    }
}
