//! Mistake in the fix: an `Interval` with its default missed-tick behaviour.
//! A consumer that comes back after several periods gets every missed `Idle`
//! at once, in a burst, instead of one `Idle` and a whole new period.
//! expect: fail a_late_consumer_gets_one_idle_then_a_whole_new_period "not the missed beats in a burst"

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::{Stream, StreamExt};
use tokio::time::{Instant, Interval, interval_at};

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
pub struct Heartbeat<S> {
    stream: S,
    idle: Interval,
}

impl<S> Heartbeat<S> {
    /// Watches `stream`, beating after every `period` of silence.
    // ANCHOR: new
    pub fn new(stream: S, period: Duration) -> Self {
        // An `Interval` ticks at once by default: start one period in.
        let idle = interval_at(Instant::now() + period, period);
        Self { stream, idle }
    }
    // ANCHOR_END: new
}

impl<S: Stream + Unpin> Stream for Heartbeat<S> {
    type Item = Beat<S::Item>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if let Poll::Ready(item) = this.stream.poll_next_unpin(cx) {
            this.idle.reset();
            return Poll::Ready(item.map(Beat::Item));
        }
        // Polling the interval registers our waker with its timer: at the
        // next tick the timer wakes us. No need to wake ourselves.
        if this.idle.poll_tick(cx).is_ready() {
            return Poll::Ready(Some(Beat::Idle));
        }
        // Both the upstream and the timer will wake us.
        Poll::Pending
    }
}
