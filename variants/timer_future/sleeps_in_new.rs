//! Mistake: `new` starts the thread and then joins it, "so that the timer has
//! surely run". `new` itself waits for the whole duration, blocking whoever
//! made the timer, and the future is already complete when anyone gets it:
//! nothing is left to wait for asynchronously.
//! expect: fail is_pending_before_the_duration_has_passed "`TimerFuture::new` never returned"
//! expect: fail does_not_wake_before_the_duration_has_passed "never returned"

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::Duration;

#[derive(Debug)]
pub struct TimerFuture {
    shared: Arc<Mutex<Shared>>,
}

#[derive(Debug, Default)]
struct Shared {
    completed: bool,
    waker: Option<Waker>,
}

impl TimerFuture {
    // ANCHOR: new
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
            if let Some(waker) = waker {
                waker.wake();
            }
        })
        .join()
        .expect("the timer thread panicked");
        Self { shared }
    }
    // ANCHOR_END: new
}

impl Future for TimerFuture {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut shared = self.shared.lock().unwrap();
        if shared.completed {
            return Poll::Ready(());
        }
        shared.waker = Some(cx.waker().clone());
        Poll::Pending
    }
}
