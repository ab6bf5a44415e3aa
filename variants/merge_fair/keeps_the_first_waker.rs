//! Mistake: keeps the waker of the first poll and polls the inputs with it
//! ever after, so when the merge moves to another task, the inputs wake the
//! old one (a stale waker).
//! expect: fail wakes_the_waker_of_its_latest_poll "not a waker kept from an earlier poll"
//! expect: fail wakes_the_waker_of_its_latest_poll "through poll 1's waker"

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use futures::Stream;

/// Merges any number of streams into one, fairly.
#[derive(Debug)]
pub struct MergeFair<S> {
    inputs: VecDeque<S>,
    waker: Option<Waker>,
}

impl<S> MergeFair<S> {
    /// Merges `inputs`.
    pub fn new(inputs: impl IntoIterator<Item = S>) -> Self {
        Self {
            inputs: inputs.into_iter().collect(),
            waker: None,
        }
    }
}

impl<S: Stream + Unpin> Stream for MergeFair<S> {
    type Item = S::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        let this = self.get_mut();
        let waker = this.waker.get_or_insert_with(|| cx.waker().clone()).clone();
        let mut first = Context::from_waker(&waker);
        let inputs = &mut this.inputs;
        for _ in 0..inputs.len() {
            let Some(mut input) = inputs.pop_front() else {
                break;
            };
            match Pin::new(&mut input).poll_next(&mut first) {
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
