//! Mistake: stores a waker only if none is stored yet, so it keeps the waker of
//! the first poll. If the future is polled again with another waker (it was
//! moved to another task, or into a `FuturesUnordered`), the wake-up goes astray.
//! expect: fail wakes_the_waker_of_the_latest_poll_not_an_earlier_one "stale waker"
//! expect: fail wakes_the_waker_of_the_latest_poll_not_an_earlier_one "through poll 1's waker"

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

// ANCHOR: poll
impl Future for TimerFuture {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut shared = self.shared.lock().unwrap();
        if shared.completed {
            return Poll::Ready(());
        }
        if shared.waker.is_none() {
            shared.waker = Some(cx.waker().clone()); // only ever the first one
        }
        Poll::Pending
    }
}
// ANCHOR_END: poll
