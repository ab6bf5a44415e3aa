//! `countdown`: a future written by hand.
//!
//! No `async`, no runtime: just the `Future` trait, a counter and a waker.
//! Book: "Countdown" (in the Futures part). Test: `cargo test --test countdown`.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A future that returns `Pending` exactly `polls` times and then `Ready(())`.
///
/// Every time it returns `Pending` it first wakes the waker of the `Context` it
/// was polled with, so whoever polls it knows to poll it again.
#[derive(Debug)]
pub struct Countdown {
    remaining: u32,
}

impl Countdown {
    /// A countdown that completes on poll number `polls + 1`.
    pub fn new(polls: u32) -> Self {
        Self { remaining: polls }
    }
}

impl Future for Countdown {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        todo!("count `remaining` down: return Pending while it is above zero, then Ready(())")
    }
}
