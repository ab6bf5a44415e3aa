//! Mistake: "to be safe", `poll` wakes its own waker before returning `Pending`.
//! It completes, but the executor polls it again and again until the timer
//! fires: a busy loop that keeps a core at 100%.
//! expect: fail does_not_wake_before_the_duration_has_passed "busy loop"
//! expect: pass completes_when_awaited_on_an_executor

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

    // ANCHOR: poll
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut shared = self.shared.lock().unwrap();
        if shared.completed {
            return Poll::Ready(());
        }
        shared.waker = Some(cx.waker().clone());
        cx.waker().wake_by_ref(); // "poll me again": at once, for nothing
        Poll::Pending
    }
    // ANCHOR_END: poll
}
