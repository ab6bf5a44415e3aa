//! `timer_future`: a future that is completed by another thread.
//!
//! The classic shape of every leaf future: shared state, a waker stored by
//! `poll`, and an outside event that sets the state and wakes that waker.

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

// ANCHOR: shared
/// What the future and its timer thread share.
#[derive(Debug, Default)]
struct Shared {
    /// Set by the timer thread once `duration` has passed.
    completed: bool,
    /// The waker of the latest `poll`, for the timer thread to wake.
    waker: Option<Waker>,
}
// ANCHOR_END: shared

// ANCHOR: new
impl TimerFuture {
    /// Starts the timer now: the future completes `duration` from this call.
    pub fn new(duration: Duration) -> Self {
        let shared = Arc::new(Mutex::new(Shared::default()));
        let timer_side = Arc::clone(&shared);
        thread::spawn(move || {
            thread::sleep(duration);
            let waker = {
                let mut shared = timer_side.lock().unwrap();
                shared.completed = true;
                shared.waker.take()
            };
            // Wake after releasing the lock: the woken task may poll at once,
            // on another thread, and its `poll` needs the lock.
            if let Some(waker) = waker {
                waker.wake();
            }
        });
        Self { shared }
    }
}
// ANCHOR_END: new

// ANCHOR: poll
impl Future for TimerFuture {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut shared = self.shared.lock().unwrap();
        if shared.completed {
            return Poll::Ready(());
        }
        // Store the waker of *this* poll. A task can be polled with a different
        // waker each time (for example when the future is moved from one task
        // to another, or polled through `FuturesUnordered`, which gives each of
        // its futures a waker of its own), and only the latest one is sure to
        // reach the task that waits now.
        // `will_wake` skips the clone when the waker has not changed.
        match &mut shared.waker {
            Some(stored) if stored.will_wake(cx.waker()) => {}
            slot => *slot = Some(cx.waker().clone()),
        }
        // The check and the store happen under one lock, so the timer thread
        // cannot complete in between and miss the waker we just stored.
        Poll::Pending
    }
}
// ANCHOR_END: poll
