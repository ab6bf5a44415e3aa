//! Half a fix: the self-wake is deleted, and nothing wakes the task at the
//! deadline instead. The busy loop becomes a lost wake-up: with a quiet
//! upstream, the heartbeat never says `Idle`.
//! expect: fail waits_for_the_period_without_waking_itself "it has its Idle ready"

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
        // ANCHOR: no_wake
        // Not time yet. (The self-wake is gone, and nothing took its place.)
        Poll::Pending
        // ANCHOR_END: no_wake
    }
}
