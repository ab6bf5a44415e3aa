//! The subject of `catch_countdown`: a future written by hand.
//!
//! What it promises (the reference is `subjects/src/reference/countdown.rs`):
//! `Countdown::new(polls)` returns `Pending` exactly `polls` times, each time
//! first waking the waker of *that* poll's `Context`; then `Ready(())`.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::bugs::countdown::{
    forgets_to_wake, one_pending_too_few, one_pending_too_many, wakes_a_stale_waker,
    wakes_only_the_first_time, zero_is_pending_once,
};
use crate::{Bug, UNKNOWN_SUBJECT, chosen, reference};

/// The hidden buggy versions of [`Countdown`].
pub const BUGS: &[Bug] = &[
    forgets_to_wake::BUG,
    wakes_only_the_first_time::BUG,
    wakes_a_stale_waker::BUG,
    one_pending_too_few::BUG,
    one_pending_too_many::BUG,
    zero_is_pending_once::BUG,
];

/// A future that returns `Pending` exactly `polls` times, waking the waker of
/// each of those polls before it returns, and then `Ready(())`.
///
/// Which implementation runs (the reference, or a hidden bug) is chosen
/// when it is created: see [`crate::SUBJECT_VAR`].
pub struct Countdown {
    inner: Pin<Box<dyn Future<Output = ()> + Send>>,
}

impl Countdown {
    /// A countdown that completes on poll number `polls + 1`.
    pub fn new(polls: u32) -> Self {
        let inner: Pin<Box<dyn Future<Output = ()> + Send>> = match chosen(BUGS) {
            None => Box::pin(reference::countdown::Countdown::new(polls)),
            Some(forgets_to_wake::BUG) => Box::pin(forgets_to_wake::Countdown::new(polls)),
            Some(wakes_only_the_first_time::BUG) => {
                Box::pin(wakes_only_the_first_time::Countdown::new(polls))
            }
            Some(wakes_a_stale_waker::BUG) => Box::pin(wakes_a_stale_waker::Countdown::new(polls)),
            Some(one_pending_too_few::BUG) => Box::pin(one_pending_too_few::Countdown::new(polls)),
            Some(one_pending_too_many::BUG) => {
                Box::pin(one_pending_too_many::Countdown::new(polls))
            }
            Some(zero_is_pending_once::BUG) => {
                Box::pin(zero_is_pending_once::Countdown::new(polls))
            }
            Some(bug) => unreachable!("{} {UNKNOWN_SUBJECT}", bug.name),
        };
        Self { inner }
    }
}

impl Future for Countdown {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.inner.as_mut().poll(cx)
    }
}

impl std::fmt::Debug for Countdown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Countdown")
    }
}
