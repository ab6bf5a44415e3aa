//! Mistake in the fix: makes a fresh `Sleep` on every poll. Each one is
//! dropped when `poll_next` returns, and its wake-up with it, so the task is
//! never woken for an `Idle`.
//! expect: fail waits_for_the_period_without_waking_itself "always a whole period away"
//! expect: fail a_quiet_upstream_gets_one_idle_per_period "nothing happened"
//! expect: fail counts_the_first_period_from_new_not_from_the_first_poll "nothing woke it after poll 1's Pending"

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

impl<S: Stream + Unpin> Stream for Heartbeat<S> {
    type Item = Beat<S::Item>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if let Poll::Ready(item) = this.stream.poll_next_unpin(cx) {
            this.next_beat.as_mut().reset(Instant::now() + this.period);
            return Poll::Ready(item.map(Beat::Item));
        }
        // ANCHOR: timer
        // A new `Sleep` each poll: polling it registers our waker, but it is
        // dropped at the end of this call, and its registration with it.
        let mut fresh = Box::pin(sleep(this.period));
        if fresh.as_mut().poll(cx).is_ready() {
            this.next_beat.as_mut().reset(Instant::now() + this.period);
            return Poll::Ready(Some(Beat::Idle));
        }
        // Only the upstream can wake us now: the timer that would have is gone.
        Poll::Pending
        // ANCHOR_END: timer
    }
}
