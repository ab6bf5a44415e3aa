//! Mistake: leaves `size_hint` to the trait's default, `(0, None)`: true, but
//! not exact, and the contract asks for exact.
//! expect: fail size_hint_is_exact_before_during_and_after "before the first poll"
//! expect: fail size_hint_is_exact_for_the_widest_range "should be (4294967295, Some(4294967295))"

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
}
