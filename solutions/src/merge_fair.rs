//! `merge_fair`: many streams merged into one, fairly.
//!
//! Book: "MergeFair" (in the Composing streams part). Test:
//! `cargo test --test merge_fair`.

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::Stream;

/// Merges any number of streams into one, fairly.
///
/// Every item of every input comes out, each input's items in their order.
/// The inputs take turns: when all of them always have an item ready, the
/// items come out in rotation, one from each input in turn, so no input can
/// starve another. An input that ends drops out (it is never polled again);
/// the merge ends when every input has ended, and then keeps returning `None`.
/// It returns `Pending` only after every live input was polled and had
/// nothing, and it is then woken as soon as any of them has an item.
/// `size_hint` adds up the live inputs' hints.
#[derive(Debug)]
pub struct MergeFair<S> {
    /// The inputs that have not ended, in the order they take turns: the
    /// front one is polled first.
    inputs: VecDeque<S>,
}

impl<S> MergeFair<S> {
    /// Merges `inputs`; with no inputs at all, the merge is over at once.
    pub fn new(inputs: impl IntoIterator<Item = S>) -> Self {
        Self {
            inputs: inputs.into_iter().collect(),
        }
    }
}

// ANCHOR: stream
impl<S: Stream + Unpin> Stream for MergeFair<S> {
    type Item = S::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        // `MergeFair` is `Unpin` (a `VecDeque` never moves its items because
        // it is pinned), so it can be used as a plain `&mut`.
        let inputs = &mut self.get_mut().inputs;
        // One turn each, at most: every input that is popped goes to the back
        // (or away, if it ended), so these pops meet each input once.
        for _ in 0..inputs.len() {
            let Some(mut input) = inputs.pop_front() else {
                break;
            };
            match Pin::new(&mut input).poll_next(cx) {
                // Its item goes out, and it waits at the back for its next
                // turn: the next call starts with the input after it.
                Poll::Ready(Some(item)) => {
                    inputs.push_back(input);
                    return Poll::Ready(Some(item));
                }
                // Ended: it drops out, and is never polled again.
                Poll::Ready(None) => {}
                // Nothing yet; it has registered `cx`'s waker and will wake
                // this task when it has an item.
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
        // At least what every input will give for sure; at most the sum of
        // their upper bounds, if every input has one (and it fits a usize).
        self.inputs.iter().map(Stream::size_hint).fold(
            (0, Some(0)),
            |(low, high), (input_low, input_high)| {
                (
                    low.saturating_add(input_low),
                    high.zip(input_high).and_then(|(a, b)| a.checked_add(b)),
                )
            },
        )
    }
}
// ANCHOR_END: stream
