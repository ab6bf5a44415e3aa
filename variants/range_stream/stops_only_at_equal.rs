//! Mistake: stops when `next == end`. When `start > end` that never happens,
//! and the stream runs on (until it overflows).
//! expect: fail is_empty_when_start_is_not_below_end ">="

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

    // ANCHOR: poll_next
    fn poll_next(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<i32>> {
        if self.next == self.end {
            return Poll::Ready(None);
        }
        let item = self.next;
        self.next += 1;
        Poll::Ready(Some(item))
    }
    // ANCHOR_END: poll_next

    fn size_hint(&self) -> (usize, Option<usize>) {
        let remaining = if self.next < self.end {
            self.end.abs_diff(self.next) as usize
        } else {
            0
        };
        (remaining, Some(remaining))
    }
}
