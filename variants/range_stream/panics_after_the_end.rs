//! Mistake: treats a poll after the end as a bug in the caller and panics.
//! The `Stream` trait allows it, but the streams in this workbook are fused:
//! once ended, they keep returning `None`.
//! expect: fail keeps_returning_none_after_the_end "fused"
//! expect: fail keeps_returning_none_after_the_end "poll 4 panicked"

use futures::Stream;
use std::pin::Pin;
use std::task::{Context, Poll};

#[derive(Debug, Clone)]
pub struct RangeStream {
    next: i32,
    end: i32,
    ended: bool,
}

impl RangeStream {
    pub fn new(start: i32, end: i32) -> Self {
        Self {
            next: start,
            end,
            ended: false,
        }
    }
}

impl Stream for RangeStream {
    type Item = i32;

    fn poll_next(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<i32>> {
        assert!(!self.ended, "RangeStream polled after it ended");
        if self.next >= self.end {
            self.ended = true;
            return Poll::Ready(None);
        }
        let item = self.next;
        self.next += 1;
        Poll::Ready(Some(item))
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
