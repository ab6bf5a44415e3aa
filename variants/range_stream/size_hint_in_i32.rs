//! Mistake: computes `end - next` in `i32`, which overflows (a panic in a
//! debug build) when the range is wider than `i32::MAX`.
//! expect: fail size_hint_is_exact_for_the_widest_range "does not fit in an i32"

use futures::Stream;
use std::pin::Pin;
use std::task::{Context, Poll};

#[derive(Debug, Clone)]
pub struct RangeStream {
    next: i32,
    end: i32,
}

impl RangeStream {
    pub fn new(start: i32, end: i32) -> Self {
        Self { next: start, end }
    }
}

impl Stream for RangeStream {
    type Item = i32;

    fn poll_next(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<i32>> {
        if self.next >= self.end {
            return Poll::Ready(None);
        }
        let item = self.next;
        self.next += 1;
        Poll::Ready(Some(item))
    }

    // ANCHOR: size_hint
    fn size_hint(&self) -> (usize, Option<usize>) {
        let remaining = (self.end - self.next).max(0) as usize;
        (remaining, Some(remaining))
    }
    // ANCHOR_END: size_hint
}
