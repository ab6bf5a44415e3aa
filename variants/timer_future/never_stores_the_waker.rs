//! Mistake: the thread completes the future, but `poll` never stored a waker,
//! so nobody is told: a lost wake-up.
//! expect: fail wakes_the_waker_once_the_duration_has_passed "lost wake-up"
//! expect: fail completes_when_awaited_on_an_executor "never woken"

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
    pub fn new(duration: Duration) -> Self {
        let shared = Arc::new(Mutex::new(Shared::default()));
        let timer_side = Arc::clone(&shared);
        thread::spawn(move || {
            thread::sleep(duration);
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

    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        if self.shared.lock().unwrap().completed {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}
