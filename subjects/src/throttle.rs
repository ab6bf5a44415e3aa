//! The subject of `catch_throttle`: a stream that lets at most one item
//! through per `delay`, on tokio's clock.
//!
//! What it promises (the reference is `subjects/src/reference/throttle.rs`):
//! with upstream items available at instants a₀, a₁, …, items go out at
//! e₀ = a₀ and eₖ = max(eₖ₋₁ + delay, aₖ): the first item is not delayed,
//! and a slow upstream adds no extra wait; no item is lost, none reordered;
//! when the upstream ends, the throttle ends (at once, or once the current
//! delay is over); while it waits, it neither spins (wakes itself) nor loses
//! its wake-up.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::Stream;

use crate::bugs::throttle::{
    delays_the_first_item, drops_items_while_waiting, forgets_the_timer, never_ends,
    restarts_the_delay_after_a_slow_upstream, wakes_itself_while_waiting,
};
use crate::{Bug, UNKNOWN_SUBJECT, chosen, reference};

/// The hidden buggy versions of [`Throttle`].
pub const BUGS: &[Bug] = &[
    delays_the_first_item::BUG,
    restarts_the_delay_after_a_slow_upstream::BUG,
    drops_items_while_waiting::BUG,
    forgets_the_timer::BUG,
    wakes_itself_while_waiting::BUG,
    never_ends::BUG,
];

/// The upstream, boxed: every implementation takes it in the same form.
type Upstream<T> = Pin<Box<dyn Stream<Item = T> + Send>>;

/// Yields the items of a stream, at most one per `delay` (see the module's
/// documentation for the exact promise). Uses tokio's timer: create and poll
/// it inside a tokio runtime with time enabled.
///
/// Which implementation runs (the reference, or a hidden bug) is chosen
/// when it is created: see [`crate::SUBJECT_VAR`].
pub struct Throttle<T> {
    inner: Pin<Box<dyn Stream<Item = T> + Send>>,
}

impl<T: Send + 'static> Throttle<T> {
    /// Throttles `stream` to one item per `delay`.
    pub fn new(stream: impl Stream<Item = T> + Send + 'static, delay: Duration) -> Self {
        let upstream: Upstream<T> = Box::pin(stream);
        let inner: Pin<Box<dyn Stream<Item = T> + Send>> = match chosen(BUGS) {
            None => Box::pin(reference::throttle::Throttle::new(upstream, delay)),
            Some(delays_the_first_item::BUG) => {
                Box::pin(delays_the_first_item::Throttle::new(upstream, delay))
            }
            Some(restarts_the_delay_after_a_slow_upstream::BUG) => Box::pin(
                restarts_the_delay_after_a_slow_upstream::Throttle::new(upstream, delay),
            ),
            Some(drops_items_while_waiting::BUG) => {
                Box::pin(drops_items_while_waiting::Throttle::new(upstream, delay))
            }
            Some(forgets_the_timer::BUG) => {
                Box::pin(forgets_the_timer::Throttle::new(upstream, delay))
            }
            Some(wakes_itself_while_waiting::BUG) => {
                Box::pin(wakes_itself_while_waiting::Throttle::new(upstream, delay))
            }
            Some(never_ends::BUG) => Box::pin(never_ends::Throttle::new(upstream, delay)),
            Some(bug) => unreachable!("{} {UNKNOWN_SUBJECT}", bug.name),
        };
        Self { inner }
    }
}

impl<T> Stream for Throttle<T> {
    type Item = T;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl<T> std::fmt::Debug for Throttle<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Throttle")
    }
}
