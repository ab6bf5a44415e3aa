//! Correct, from the ecosystem: `futures::stream::iter` turns any iterator
//! into a stream that is always ready, passes the iterator's `size_hint`
//! through, and ends when the iterator does; a `Range<i32>` is the iterator.
//! expect: pass

use futures::Stream;
use futures::stream::{self, Iter};
use std::ops::Range;
use std::pin::Pin;
use std::task::{Context, Poll};

// ANCHOR: stream
#[derive(Debug, Clone)]
pub struct RangeStream {
    inner: Iter<Range<i32>>,
}

impl RangeStream {
    pub fn new(start: i32, end: i32) -> Self {
        Self {
            inner: stream::iter(start..end),
        }
    }
}

impl Stream for RangeStream {
    type Item = i32;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<i32>> {
        Pin::new(&mut self.inner).poll_next(cx)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}
// ANCHOR_END: stream
