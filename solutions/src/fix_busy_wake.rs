//! `fix_busy_wake`: a heartbeat that waits on a timer, repaired.
//!
//! The bug: to be polled again "in time", the stream woke its own task every
//! time it returned `Pending`. The executor obliged at once, for ever: a busy
//! loop that burns a core and, on tokio's paused clock, stops time itself.
//! A `Sleep` waits properly: polling it registers the waker with the
//! runtime's timer, which wakes the task when the deadline comes.

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
// ANCHOR: state
pub struct Heartbeat<S> {
    stream: S,
    period: Duration,
    /// Fires `period` after the last item or `Idle`. Boxed, so that
    /// `Heartbeat<S>` stays `Unpin` when `S` is.
    next_beat: Pin<Box<Sleep>>,
}

impl<S> Heartbeat<S> {
    /// Watches `stream`, beating after every `period` of silence.
    pub fn new(stream: S, period: Duration) -> Self {
        Self {
            stream,
            period,
            next_beat: Box::pin(sleep(period)),
        }
    }
}
// ANCHOR_END: state

// ANCHOR: fix
impl<S: Stream + Unpin> Stream for Heartbeat<S> {
    type Item = Beat<S::Item>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if let Poll::Ready(item) = this.stream.poll_next_unpin(cx) {
            this.next_beat.as_mut().reset(Instant::now() + this.period);
            return Poll::Ready(item.map(Beat::Item));
        }
        // Polling the `Sleep` registers our waker with the timer: when the
        // deadline comes, the timer wakes us. No need to wake ourselves.
        if this.next_beat.as_mut().poll(cx).is_ready() {
            this.next_beat.as_mut().reset(Instant::now() + this.period);
            return Poll::Ready(Some(Beat::Idle));
        }
        // Both the upstream and the timer will wake us.
        Poll::Pending
    }
}
// ANCHOR_END: fix
