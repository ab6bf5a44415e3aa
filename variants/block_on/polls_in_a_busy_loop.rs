//! Mistake: never sleeps. It polls the future over and over until it is ready,
//! ignoring wake-ups: correct results, and a core burnt at 100% while waiting.
//! expect: fail parks_instead_of_polling_in_a_busy_loop "busy loop"
//! expect: pass can_run_many_futures_one_after_another_on_the_same_thread

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll};

// ANCHOR: block_on
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let waker = futures::task::noop_waker();
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        // No sleep: straight back to poll.
    }
}
// ANCHOR_END: block_on
