//! Mistake: `size_hint` counts the inputs instead of adding up what they
//! hold: the hint is of the items, not of the streams.
//! expect: fail size_hint_adds_up_the_live_inputs "the number of inputs"

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

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        let inputs = &mut self.get_mut().inputs;
        for _ in 0..inputs.len() {
            let Some(mut input) = inputs.pop_front() else {
                break;
            };
            match Pin::new(&mut input).poll_next(cx) {
                Poll::Ready(Some(item)) => {
                    inputs.push_back(input);
                    return Poll::Ready(Some(item));
                }
                Poll::Ready(None) => {}
                Poll::Pending => inputs.push_back(input),
            }
        }
        if inputs.is_empty() {
            Poll::Ready(None)
        } else {
            Poll::Pending
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.inputs.len(), Some(self.inputs.len()))
    }
}
