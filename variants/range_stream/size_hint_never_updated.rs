//! Mistake: works out the length once, in `new`, and never updates it, so
//! the hint is wrong as soon as an item has been taken.
//! expect: fail size_hint_is_exact_before_during_and_after "after 1 item(s)"

use futures::Stream;
use std::pin::Pin;
use std::task::{Context, Poll};

#[derive(Debug, Clone)]
pub struct RangeStream {
    next: i32,
    end: i32,
    len: usize,
}

impl RangeStream {
    pub fn new(start: i32, end: i32) -> Self {
        let len = if start < end {
            end.abs_diff(start) as usize
        } else {
            0
        };
        Self {
            next: start,
            end,
            len,
        }
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

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.len, Some(self.len))
    }
}
