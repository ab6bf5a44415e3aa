//! Mistake in the fix: makes the `Sleep` at the first poll ("so that `new`
//! needs no runtime"), so the first period is counted from the first poll,
//! not from `new`. A heartbeat polled for the first time 60 ms after it was
//! made says its first `Idle` 60 ms late.
//! expect: fail counts_the_first_period_from_new_not_from_the_first_poll "from `new`"
//! expect: pass a_late_consumer_gets_one_idle_then_a_whole_new_period

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
    /// Fires `period` after the last item or `Idle`; made at the first poll.
    next_beat: Option<Pin<Box<Sleep>>>,
}

impl<S> Heartbeat<S> {
    /// Watches `stream`, beating after every `period` of silence.
    pub fn new(stream: S, period: Duration) -> Self {
        Self {
            stream,
            period,
            next_beat: None,
        }
    }
}

impl<S: Stream + Unpin> Stream for Heartbeat<S> {
    type Item = Beat<S::Item>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        // ANCHOR: lazy
        let period = this.period;
        let next_beat = this
            .next_beat
            .get_or_insert_with(|| Box::pin(sleep(period)));
        // ANCHOR_END: lazy
        if let Poll::Ready(item) = this.stream.poll_next_unpin(cx) {
            next_beat.as_mut().reset(Instant::now() + period);
            return Poll::Ready(item.map(Beat::Item));
        }
        if next_beat.as_mut().poll(cx).is_ready() {
            next_beat.as_mut().reset(Instant::now() + period);
            return Poll::Ready(Some(Beat::Idle));
        }
        Poll::Pending
    }
}
