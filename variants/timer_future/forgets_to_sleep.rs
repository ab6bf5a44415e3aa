//! Mistake: the timer thread completes the future at once instead of after
//! `duration`.
//! expect: fail does_not_wake_before_the_duration_has_passed "woke its waker right away"
//! expect: pass wakes_the_waker_of_the_latest_poll_not_an_earlier_one

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
    pub fn new(_duration: Duration) -> Self {
        let shared = Arc::new(Mutex::new(Shared::default()));
        let timer_side = Arc::clone(&shared);
        thread::spawn(move || {
            let mut shared = timer_side.lock().unwrap();
            shared.completed = true;
            if let Some(waker) = shared.waker.take() {
                waker.wake();
            }
        });
        Self { shared }
    }
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
