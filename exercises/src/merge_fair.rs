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

impl<S: Stream + Unpin> Stream for MergeFair<S> {
    type Item = S::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        todo!("give each live input a turn, starting after the last one that gave an item")
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        todo!("add up the hints of the inputs still live")
    }
}
