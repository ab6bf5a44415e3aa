//! The Pinning chapter, part 3: what `Sleep::reset` does with the waker that
//! the last `poll` stored, and why a poll after the reset is still needed.
//!
//! The timer is polled by hand with a counting waker, on a paused clock that
//! only `advance` moves, so every wake-up is seen at an exact instant.

use std::future::Future;
use std::task::Context;
use std::time::Duration;

use futures_test::task::new_count_waker;
use tokio::time::{Instant, advance, sleep};

const fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

// ANCHOR: reset_waker
async fn reset_and_the_stored_waker() {
    let (waker, wakes) = new_count_waker();
    let mut cx = Context::from_waker(&waker);
    let mut timer = Box::pin(sleep(ms(10)));

    // A poll leaves its waker in the timer's entry.
    assert!(timer.as_mut().poll(&mut cx).is_pending());

    // `reset` moves the entry to the new deadline, and that waker stays
    // armed: it is woken at the new deadline, with no poll in between.
    timer.as_mut().reset(Instant::now() + ms(20));
    advance(ms(10)).await;
    assert_eq!(wakes.get(), 0, "nothing at the old deadline");
    advance(ms(10)).await;
    assert_eq!(wakes.get(), 1, "woken at the new one");

    // Firing used the waker up. Reset again without a poll, and at the new
    // deadline the timer fires and wakes nobody.
    timer.as_mut().reset(Instant::now() + ms(10));
    advance(ms(10)).await;
    assert!(timer.is_elapsed());
    assert_eq!(wakes.get(), 1, "fired with no waker to wake");

    // Reset, then poll: the waker that is woken is this poll's.
    timer.as_mut().reset(Instant::now() + ms(10));
    assert!(timer.as_mut().poll(&mut cx).is_pending());
    advance(ms(10)).await;
    assert_eq!(wakes.get(), 2);
    assert!(timer.as_mut().poll(&mut cx).is_ready());
}
// ANCHOR_END: reset_waker

fn main() {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap()
        .block_on(reset_and_the_stored_waker());
}
