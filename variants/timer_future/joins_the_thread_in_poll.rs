//! Mistake: `poll` keeps the timer thread's `JoinHandle` and joins it, "to
//! wait until the timer is done". The first poll blocks for the whole
//! duration: the executor's thread runs nothing else meanwhile, and a future
//! that blocks in `poll` is not asynchronous at all.
//! expect: fail is_pending_before_the_duration_has_passed "`poll` never returned (`new` did)"
//! expect: fail does_not_wake_before_the_duration_has_passed "never returned"

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::thread::{self, JoinHandle};
use std::time::Duration;

#[derive(Debug)]
pub struct TimerFuture {
    shared: Arc<Mutex<Shared>>,
    thread: Option<JoinHandle<()>>,
}

#[derive(Debug, Default)]
struct Shared {
    completed: bool,
    waker: Option<Waker>,
}

impl TimerFuture {
    pub fn new(duration: Duration) -> Self {
        let shared = Arc::new(Mutex::new(Shared::default()));
        let timer_side = Arc::clone(&shared);
        let thread = thread::spawn(move || {
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
        Self {
            shared,
            thread: Some(thread),
        }
    }
}

// ANCHOR: poll
impl Future for TimerFuture {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if let Some(thread) = self.thread.take() {
            thread.join().expect("the timer thread panicked");
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
