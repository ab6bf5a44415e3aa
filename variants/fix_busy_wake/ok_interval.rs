//! Alternative fix: a `tokio::time::Interval` whose ticks are the idle beats,
//! reset by every item.
//! expect: pass

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::{Stream, StreamExt};
use tokio::time::{Instant, Interval, MissedTickBehavior, interval_at};

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
        let mut idle = interval_at(Instant::now() + period, period);
        // After a late tick, count the next period from that tick's poll
        // rather than firing the missed ticks in a burst (the default).
        idle.set_missed_tick_behavior(MissedTickBehavior::Delay);
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
