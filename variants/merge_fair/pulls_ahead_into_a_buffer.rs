//! Mistake: takes one item from every input on each round and queues them
//! in a buffer of its own, yielding from the buffer. The order and the
//! turns come out right, but the merge now holds items: dropped between two
//! of them (as `select!` or `timeout` drop futures), it loses the ones it had
//! taken and not yet yielded.
//! expect: fail dropping_the_merge_at_any_point_loses_no_item "holds no items of its own"

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::Stream;

/// Merges any number of streams into one, fairly.
#[derive(Debug)]
pub struct MergeFair<S: Stream> {
    inputs: VecDeque<S>,
    /// Items taken from the inputs, not yet yielded.
    ahead: VecDeque<S::Item>,
}

impl<S: Stream> MergeFair<S> {
    /// Merges `inputs`.
    pub fn new(inputs: impl IntoIterator<Item = S>) -> Self {
        Self {
            inputs: inputs.into_iter().collect(),
            ahead: VecDeque::new(),
        }
    }
}

impl<S: Stream + Unpin> Unpin for MergeFair<S> {}

impl<S: Stream + Unpin> Stream for MergeFair<S> {
    type Item = S::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        let this = self.get_mut();
        if let Some(item) = this.ahead.pop_front() {
            return Poll::Ready(Some(item));
        }
        // One round: one item from every input that has one.
        for _ in 0..this.inputs.len() {
            let Some(mut input) = this.inputs.pop_front() else {
                break;
            };
            match Pin::new(&mut input).poll_next(cx) {
                Poll::Ready(Some(item)) => {
                    this.ahead.push_back(item);
                    this.inputs.push_back(input);
                }
                Poll::Ready(None) => {}
                Poll::Pending => this.inputs.push_back(input),
            }
        }
        match this.ahead.pop_front() {
            Some(item) => Poll::Ready(Some(item)),
            None if this.inputs.is_empty() => Poll::Ready(None),
            None => Poll::Pending,
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let ahead = self.ahead.len();
        self.inputs.iter().map(Stream::size_hint).fold(
            (ahead, Some(ahead)),
            |(low, high), (l, h)| {
                (
                    low.saturating_add(l),
                    high.zip(h).and_then(|(a, b)| a.checked_add(b)),
                )
            },
        )
    }
}
