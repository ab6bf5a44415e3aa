//! Mistake: parks the thread, but hands the future a waker that does nothing,
//! so no wake-up ever unparks it.
//! expect: fail is_woken_by_a_waker_called_from_another_thread "unpark"
//! expect: fail returns_the_output_of_a_future_that_was_pending_first "park until woken"

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll};
use std::thread;

pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let waker = futures::task::noop_waker();
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        thread::park(); // nobody holds this thread's handle: sleeps forever
    }
}
