//! Mistake: moves on before yielding, so the first number is skipped.
//! expect: fail yields_every_number_from_start_up_to_but_not_including_end "off by one"

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
        self.next += 1;
        if self.next >= self.end {
            return Poll::Ready(None);
        }
        Poll::Ready(Some(self.next))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let remaining = if self.next < self.end {
            self.end.abs_diff(self.next) as usize
        } else {
            0
        };
        (remaining, Some(remaining))
    }
}
