//! `block_on`: the smallest useful executor.
//!
//! Book: "block_on" (in the Wakers part). Test: `cargo test --test block_on`.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};

/// Runs `future` to completion on the current thread and returns its output.
///
/// The thread sleeps (parks) while the future is `Pending` and is woken
/// (unparked) by the future's waker, from any thread.
pub fn block_on<F: Future>(future: F) -> F::Output {
    todo!(
        "poll the future in a loop; while it is Pending, park the thread until a waker unparks it"
    )
}
