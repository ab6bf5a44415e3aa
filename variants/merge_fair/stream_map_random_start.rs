//! Mistake: `tokio_stream::StreamMap` as the merge. It gives every input a
//! chance, but each call starts at a random input, not at the one after the
//! last that gave an item: always-ready inputs come out in a random order,
//! and one input may give several items in a row while another waits.
//! (No starvation on average; no rotation either.)
//! expect: fail always_ready_inputs_take_turns_one_item_each "no fixed rotation"

use std::pin::Pin;
use std::task::{Context, Poll};

use futures::Stream;
use tokio_stream::StreamMap;

/// Merges any number of streams into one, fairly.
#[derive(Debug)]
pub struct MergeFair<S> {
    inputs: StreamMap<usize, S>,
}

impl<S: Stream + Unpin> MergeFair<S> {
    /// Merges `inputs`.
    pub fn new(inputs: impl IntoIterator<Item = S>) -> Self {
        Self {
            inputs: inputs.into_iter().enumerate().collect(),
        }
    }
}

impl<S: Stream + Unpin> Stream for MergeFair<S> {
    type Item = S::Item;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        Pin::new(&mut self.inputs)
            .poll_next(cx)
            .map(|next| next.map(|(_, item)| item))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inputs.size_hint()
    }
}
