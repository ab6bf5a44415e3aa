//! Mistake: gives one input a turn per call and returns `Pending` when that
//! one has nothing, without asking the others: a quiet input holds the merge
//! back, and the inputs not polled never learn whom to wake.
//! expect: fail a_quiet_input_does_not_hold_back_the_others "go on to the next one"
//! expect: fail is_woken_when_a_quiet_input_gets_an_item "lost wake-up"

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
        while let Some(mut input) = inputs.pop_front() {
            match Pin::new(&mut input).poll_next(cx) {
                Poll::Ready(Some(item)) => {
                    inputs.push_back(input);
                    return Poll::Ready(Some(item));
                }
                Poll::Ready(None) => continue,
                Poll::Pending => {
                    inputs.push_back(input);
                    return Poll::Pending;
                }
            }
        }
        Poll::Ready(None)
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
