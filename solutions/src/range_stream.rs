//! `range_stream`: a stream written by hand.
//!
//! `Stream` is the async `Iterator`: `poll_next` instead of `next`, and
//! `size_hint` that must tell the truth.

use futures::Stream;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A stream of the integers `start..end`, like the range `start..end`.
///
/// Empty when `start >= end`. Keeps returning `None` once it has ended, and its
/// `size_hint` is exact at every point.
#[derive(Debug, Clone)]
pub struct RangeStream {
    /// The next number to yield.
    next: i32,
    /// One past the last number to yield.
    end: i32,
}

impl RangeStream {
    /// The stream of `start..end`.
    pub fn new(start: i32, end: i32) -> Self {
        Self { next: start, end }
    }
}

// ANCHOR: stream
impl Stream for RangeStream {
    type Item = i32;

    // ANCHOR: poll_next
    fn poll_next(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<i32>> {
        // A range never waits for anything: every poll is `Ready`, so no waker
        // is needed.
        if self.next >= self.end {
            // `next` never moves past `end`, so every later poll lands here too:
            // the stream stays ended (it is "fused").
            return Poll::Ready(None);
        }
        let item = self.next;
        // Cannot overflow: `item < end <= i32::MAX`.
        self.next += 1;
        Poll::Ready(Some(item))
    }
    // ANCHOR_END: poll_next

    // ANCHOR: size_hint
    fn size_hint(&self) -> (usize, Option<usize>) {
        // `end - next` can be larger than `i32::MAX` (think `i32::MIN..i32::MAX`),
        // so measure the distance as an unsigned number.
        let remaining = if self.next < self.end {
            self.end.abs_diff(self.next) as usize
        } else {
            0
        };
        (remaining, Some(remaining))
    }
    // ANCHOR_END: size_hint
}
// ANCHOR_END: stream
