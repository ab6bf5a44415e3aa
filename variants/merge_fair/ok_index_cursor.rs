//! Another right answer: the inputs stay where they are, in a `Vec`, and a
//! cursor says whose turn it is; an input that ends is removed, and the
//! cursor is moved so that the same input is not skipped.
//! expect: pass

use std::pin::Pin;
use std::task::{Context, Poll};

use futures::Stream;

/// Merges any number of streams into one, fairly.
#[derive(Debug)]
pub struct MergeFair<S> {
    inputs: Vec<S>,
    /// The input whose turn it is.
    turn: usize,
}

impl<S> MergeFair<S> {
    /// Merges `inputs`.
    pub fn new(inputs: impl IntoIterator<Item = S>) -> Self {
        Self {
            inputs: inputs.into_iter().collect(),
            turn: 0,
        }
    }
}

impl<S: Stream + Unpin> Stream for MergeFair<S> {
    type Item = S::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        let this = self.get_mut();
        let mut asked = 0;
        let live = this.inputs.len();
        while asked < live && !this.inputs.is_empty() {
            let i = this.turn % this.inputs.len();
            asked += 1;
            match Pin::new(&mut this.inputs[i]).poll_next(cx) {
                Poll::Ready(Some(item)) => {
                    this.turn = i + 1;
                    return Poll::Ready(Some(item));
                }
                // The next input slides into place `i`: its turn is now.
                Poll::Ready(None) => {
                    this.inputs.remove(i);
                    this.turn = i;
                }
                Poll::Pending => this.turn = i + 1,
            }
        }
        if this.inputs.is_empty() {
            Poll::Ready(None)
        } else {
            Poll::Pending
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let mut low = 0usize;
        let mut high = Some(0usize);
        for input in &self.inputs {
            let (l, h) = input.size_hint();
            low = low.saturating_add(l);
            high = match (high, h) {
                (Some(a), Some(b)) => a.checked_add(b),
                _ => None,
            };
        }
        (low, high)
    }
}
