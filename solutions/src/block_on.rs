//! `block_on`: the smallest useful executor.
//!
//! Poll the future; while it is `Pending`, park the thread; let the waker unpark it.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};

// ANCHOR: waker
/// Wakes a parked thread. `woken` remembers a wake-up until the executor has
/// seen it, so one that arrives before the thread parks is not lost.
struct ThreadWaker {
    thread: Thread,
    woken: AtomicBool,
}

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::Release);
        self.thread.unpark();
    }
}
// ANCHOR_END: waker

// ANCHOR: block_on
// ANCHOR: setup
/// Runs `future` to completion on the current thread and returns its output.
///
/// The thread sleeps (parks) while the future is `Pending` and is woken
/// (unparked) by the future's waker, from any thread.
pub fn block_on<F: Future>(future: F) -> F::Output {
    // `poll` takes `Pin<&mut F>`: pin the future on this stack frame, where
    // it stays until it completes.
    let mut future = pin!(future);
    let signal = Arc::new(ThreadWaker {
        thread: thread::current(),
        woken: AtomicBool::new(false),
    });
    let waker = Waker::from(Arc::clone(&signal));
    let mut cx = Context::from_waker(&waker);
    // ANCHOR_END: setup

    // ANCHOR: poll_loop
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        // Sleep until the waker runs. If it already ran (during `poll`, or on
        // another thread since), `woken` is set and we poll again at once.
        // `park` may also return for no reason, so check the flag each time.
        while !signal.woken.swap(false, Ordering::Acquire) {
            thread::park();
        }
    }
}
// ANCHOR_END: poll_loop
// ANCHOR_END: block_on
