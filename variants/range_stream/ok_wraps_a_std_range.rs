//! Correct, written differently: wraps `std::ops::Range<i32>`, which already
//! knows how to count, end, and stay ended.
//! expect: pass

use futures::Stream;
use std::pin::Pin;
use std::task::{Context, Poll};

use std::ops::Range;

// ANCHOR: stream
#[derive(Debug, Clone)]
pub struct RangeStream {
    range: Range<i32>,
}

impl RangeStream {
    pub fn new(start: i32, end: i32) -> Self {
        Self { range: start..end }
    }
}

impl Stream for RangeStream {
    type Item = i32;

    fn poll_next(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<i32>> {
        Poll::Ready(self.range.next())
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.range.size_hint()
    }
}
// ANCHOR_END: stream
