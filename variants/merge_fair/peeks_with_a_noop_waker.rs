//! Mistake: asks the inputs for an item with a do-nothing waker ("just
//! peeking"), so no input knows whom to wake: after `Pending`, nothing ever
//! wakes the merge's task (a lost wake-up).
//! expect: fail is_woken_when_a_quiet_input_gets_an_item "lost wake-up"
//! expect: fail wakes_the_waker_of_its_latest_poll "was not woken"

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

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
        let _ = cx;
        let mut peek = Context::from_waker(Waker::noop());
        let inputs = &mut self.get_mut().inputs;
        for _ in 0..inputs.len() {
            let Some(mut input) = inputs.pop_front() else {
                break;
            };
            match Pin::new(&mut input).poll_next(&mut peek) {
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
