//! Mistake: keeps inputs that ended in the rotation and polls them again on
//! every turn (ending only when a whole round gives `None`), which many
//! streams do not allow after their end.
//! expect: fail an_input_that_ends_drops_out_and_is_never_polled_again "polled again after it had ended"
//! expect: fail ends_when_every_input_has_ended_and_keeps_returning_none "polled again after it had ended"

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
        let mut ended = 0;
        for _ in 0..inputs.len() {
            let Some(mut input) = inputs.pop_front() else {
                break;
            };
            let next = Pin::new(&mut input).poll_next(cx);
            inputs.push_back(input);
            match next {
                Poll::Ready(Some(item)) => return Poll::Ready(Some(item)),
                Poll::Ready(None) => ended += 1,
                Poll::Pending => {}
            }
        }
        if ended == inputs.len() {
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
