//! Mistake: wakes its own task before every `Pending` "to be polled again
//! soon": a busy loop that burns a core while every input is quiet.
//! expect: fail does_not_wake_itself_while_every_input_is_quiet "busy loop"

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
            cx.waker().wake_by_ref();
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
