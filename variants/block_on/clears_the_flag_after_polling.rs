//! Mistake: a `Mutex<bool>` + `Condvar` executor that resets the "woken" flag
//! *after* the poll. A wake-up that arrived during the poll, or between the
//! poll and the wait, is erased, and the thread waits forever.
//! expect: fail does_not_lose_a_wake_up_that_arrives_during_the_poll "lost wake-up"
//! expect: fail does_not_lose_a_wake_up_from_another_thread_that_arrives_before_parking "lost wake-up"
//! expect: pass is_woken_by_a_waker_called_from_another_thread

use std::future::Future;
use std::pin::pin;
use std::sync::{Arc, Condvar, Mutex};
use std::task::{Context, Poll, Wake, Waker};

#[derive(Default)]
struct Signal {
    woken: Mutex<bool>,
    condvar: Condvar,
}

impl Wake for Signal {
    fn wake(self: Arc<Self>) {
        *self.woken.lock().unwrap() = true;
        self.condvar.notify_one();
    }
}

// ANCHOR: block_on
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let signal = Arc::new(Signal::default());
    let waker = Waker::from(Arc::clone(&signal));
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        let mut woken = signal.woken.lock().unwrap();
        *woken = false; // erases a wake-up that already happened
        while !*woken {
            woken = signal.condvar.wait(woken).unwrap();
        }
    }
}
// ANCHOR_END: block_on
