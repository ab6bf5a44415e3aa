//! Mistake: paces the items with a `tokio::time::Interval`. Its ticks are due
//! at fixed times counted from when it started, not from the last item: after
//! a slow upstream, a tick that came due meanwhile lets the next item out at
//! once, less than `delay` after the one before.
//! expect: fail a_slow_upstream_adds_no_extra_wait "not from the last item"

use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use futures::{Stream, StreamExt};
use tokio::time::{Interval, MissedTickBehavior, interval};

/// Yields the items of `stream`, at most one per `delay`.
///
/// The first item goes out as soon as the upstream has it. Each later item
/// goes out `delay` after the one before, or as soon as the upstream has it,
/// whichever is later: a slow upstream adds no extra wait. It ends when the
/// upstream ends.
pub struct ThrottledStream<S> {
    stream: S,
    delay: Duration,
    ticks: Option<Interval>,
}

impl<S> ThrottledStream<S> {
    /// Throttles `stream` to one item per `delay`.
    pub fn new(stream: S, delay: Duration) -> Self {
        Self {
            stream,
            delay,
            ticks: (!delay.is_zero()).then(|| {
                let mut ticks = interval(delay);
                ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
                ticks
            }),
        }
    }
}

impl<S: Stream + Unpin> Stream for ThrottledStream<S> {
    type Item = S::Item;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        if let Some(ticks) = self.ticks.as_mut() {
            ready!(ticks.poll_tick(cx));
        }
        // BUG, besides: a tick consumed while upstream is Pending is lost.
        self.stream.poll_next_unpin(cx)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        // Throttling changes when items come, not how many.
        self.stream.size_hint()
    }
}
