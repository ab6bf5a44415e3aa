//! Mistake: polls the inputs in the same order on every call, so the first
//! input that has an item always wins: strict priority, not fairness. An
//! always-ready first input starves every other.
//! expect: fail always_ready_inputs_take_turns_one_item_each "starved the others"
//! expect: fail an_always_ready_input_does_not_starve_a_channel "strict priority"

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::Stream;

/// Merges any number of streams into one, fairly.
#[derive(Debug)]
pub struct MergeFair<S> {
    inputs: VecDeque<S>,
}

impl<S> MergeFair<S> {
    /// Merges `inputs`.
    pub fn new(inputs: impl IntoIterator<Item = S>) -> Self {
        Self {
            inputs: inputs.into_iter().collect(),
        }
    }
}

impl<S: Stream + Unpin> Stream for MergeFair<S> {
    type Item = S::Item;

    // ANCHOR: poll_next
    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        let inputs = &mut self.get_mut().inputs;
        let mut i = 0;
        while i < inputs.len() {
            match Pin::new(&mut inputs[i]).poll_next(cx) {
                Poll::Ready(Some(item)) => return Poll::Ready(Some(item)),
                Poll::Ready(None) => {
                    inputs.remove(i);
                }
                Poll::Pending => i += 1,
            }
        }
        if inputs.is_empty() {
            Poll::Ready(None)
        } else {
            Poll::Pending
        }
    }
    // ANCHOR_END: poll_next

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
