//! Correct, from the ecosystem: `futures::executor::block_on` is this very
//! executor (a thread-local waker that unparks the thread, and a flag so that
//! no wake-up is lost), so passing the future on is a correct answer.
//! expect: pass

use std::future::Future;

/// Runs `future` to completion on the current thread and returns its output.
pub fn block_on<F: Future>(future: F) -> F::Output {
    futures::executor::block_on(future)
}
