//! Mistake: starts the timer thread at the first poll ("no thread until
//! somebody waits"). The future then completes `duration` after its first
//! poll, not after `new`: a timer made now and awaited later is late by the
//! time in between.
//! expect: fail counts_its_duration_from_new_not_from_the_first_poll "counted from `new`"

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::Duration;

#[derive(Debug)]
pub struct TimerFuture {
    shared: Arc<Mutex<Shared>>,
    /// The duration, until the first poll starts the thread.
    not_started: Option<Duration>,
}

#[derive(Debug, Default)]
struct Shared {
    completed: bool,
    waker: Option<Waker>,
}

impl TimerFuture {
    pub fn new(duration: Duration) -> Self {
        Self {
            shared: Arc::default(),
            not_started: Some(duration),
        }
    }
}

// ANCHOR: poll
impl Future for TimerFuture {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if let Some(duration) = self.not_started.take() {
            let timer_side = Arc::clone(&self.shared);
            thread::spawn(move || {
                thread::sleep(duration);
                let waker = {
                    let mut shared = timer_side.lock().unwrap();
                    shared.completed = true;
                    shared.waker.take()
                };
                if let Some(waker) = waker {
                    waker.wake();
                }
            });
        }
        let mut shared = self.shared.lock().unwrap();
        if shared.completed {
            return Poll::Ready(());
        }
        shared.waker = Some(cx.waker().clone());
        Poll::Pending
    }
}
// ANCHOR_END: poll
