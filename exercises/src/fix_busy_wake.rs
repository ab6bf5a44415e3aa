//! `fix_busy_wake`: spot the bug, then fix it.
//!
//! Book: "Fix the busy wake-up" (in the Spot the bug part). Test:
//! `cargo test --test fix_busy_wake`.
//!
//! This stream gives the right answers, and keeps a CPU core at 100% while it
//! waits. Find out why, and repair it. The public API stays; the private
//! fields may change.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::{Stream, StreamExt};
use tokio::time::{Instant, Sleep, sleep};

/// What a [`Heartbeat`] yields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Beat<T> {
    /// An item from the upstream.
    Item(T),
    /// A whole `period` passed without an item (or since the last `Idle`).
    Idle,
}

/// Passes the items of `stream` through, and says `Beat::Idle` whenever
/// `period` passes without one: the keep-alive of a quiet connection.
///
/// The `period` is counted from the last item or `Idle` (or from `new`). It
/// ends when the upstream ends.
#[derive(Debug)]
pub struct Heartbeat<S> {
    stream: S,
    period: Duration,
    /// When the last item or `Idle` went out.
    last_beat: Instant,
}

impl<S> Heartbeat<S> {
    /// Watches `stream`, beating after every `period` of silence.
    pub fn new(stream: S, period: Duration) -> Self {
        Self {
            stream,
            period,
            last_beat: Instant::now(),
        }
    }
}

// ANCHOR: bug
impl<S: Stream + Unpin> Stream for Heartbeat<S> {
    type Item = Beat<S::Item>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if let Poll::Ready(item) = self.stream.poll_next_unpin(cx) {
            self.last_beat = Instant::now();
            return Poll::Ready(item.map(Beat::Item));
        }
        if self.last_beat.elapsed() >= self.period {
            self.last_beat = Instant::now();
            return Poll::Ready(Some(Beat::Idle));
        }
        // Not time yet: make sure we get polled again to check.
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
// ANCHOR_END: bug
