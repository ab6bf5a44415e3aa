//! `range_stream`: a stream written by hand.
//!
//! Book: "RangeStream" (in the Streams part). Test: `cargo test --test range_stream`.

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

impl Stream for RangeStream {
    type Item = i32;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<i32>> {
        todo!("yield `next` and move it on, until it reaches `end`; then None, every time")
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        todo!("how many items are left? (lower bound, Some(upper bound)), both exact")
    }
}
