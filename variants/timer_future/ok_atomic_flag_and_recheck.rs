//! Correct, written differently: the flag is an `AtomicBool` and the waker sits
//! in its own `Mutex`. Because the flag and the waker are not under one lock,
//! `poll` checks the flag again after storing the waker, so a timer that fires
//! in between is not missed. Like the reference, the thread wakes the waker
//! only after releasing the lock.
//! expect: pass

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::Duration;

#[derive(Debug, Default)]
struct Shared {
    completed: AtomicBool,
    waker: Mutex<Option<Waker>>,
}

#[derive(Debug)]
pub struct TimerFuture {
    shared: Arc<Shared>,
}

impl TimerFuture {
    pub fn new(duration: Duration) -> Self {
        let shared = Arc::new(Shared::default());
        let timer_side = Arc::clone(&shared);
        thread::spawn(move || {
            thread::sleep(duration);
            timer_side.completed.store(true, Ordering::SeqCst);
            // Take the waker out and let go of the lock before waking: the
            // guard is a temporary of this `let`, dropped at its `;`. (In
            // `if let Some(w) = ….lock().unwrap().take() { w.wake() }` the
            // guard would live until the end of the block, and the wake-up
            // would run under the lock.)
            let waker = timer_side.waker.lock().unwrap().take();
            if let Some(waker) = waker {
                waker.wake();
            }
        });
        Self { shared }
    }
}

impl Future for TimerFuture {
    type Output = ();

    // ANCHOR: poll
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.shared.completed.load(Ordering::SeqCst) {
            return Poll::Ready(());
        }
        *self.shared.waker.lock().unwrap() = Some(cx.waker().clone());
        if self.shared.completed.load(Ordering::SeqCst) {
            return Poll::Ready(());
        }
        Poll::Pending
    }
    // ANCHOR_END: poll
}
