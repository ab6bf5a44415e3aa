//! Mistake: sleeps a little between polls instead of parking, "so as not to
//! spin". Every future finishes, but the waker is ignored: a future that
//! waits long is polled again and again for nothing, and one that is woken
//! at once still waits out the sleep.
//! expect: fail parks_instead_of_polling_in_a_busy_loop "sleeps a little between polls"
//! expect: fail can_run_many_futures_one_after_another_on_the_same_thread "sleep between polls"

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll};
use std::time::Duration;

// ANCHOR: block_on
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let waker = futures::task::noop_waker();
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        // Not a busy loop any more: a 20 ms nap between polls.
        std::thread::sleep(Duration::from_millis(20));
    }
}
// ANCHOR_END: block_on
