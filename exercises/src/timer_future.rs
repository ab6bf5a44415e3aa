//! `timer_future`: a future that is completed by another thread.
//!
//! Book: "TimerFuture" (in the Wakers part). Test: `cargo test --test timer_future`.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::Duration;

/// A future that completes `duration` after it was created.
///
/// `new` starts a thread that sleeps for `duration`, then marks the future
/// complete and wakes the waker of the most recent `poll`.
#[derive(Debug)]
pub struct TimerFuture {
    shared: Arc<Mutex<Shared>>,
}

/// What the future and its timer thread share.
#[derive(Debug, Default)]
struct Shared {
    /// Set by the timer thread once `duration` has passed.
    completed: bool,
    /// The waker of the latest `poll`, for the timer thread to wake.
    waker: Option<Waker>,
}

impl TimerFuture {
    /// Starts the timer now: the future completes `duration` from this call.
    pub fn new(duration: Duration) -> Self {
        todo!("create the shared state, and spawn a thread that sleeps, then completes and wakes")
    }
}

impl Future for TimerFuture {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        todo!("Ready if completed; otherwise store this poll's waker and return Pending")
    }
}
