//! Hidden suite for `fix_backoff`: a reconnect loop with exponential backoff.
//!
//! Contract: `reconnect(connect, backoff)` calls `connect` at once; after the
//! n-th failure it yields `Err`, waits `backoff.delay(n)`, and tries again;
//! after a success it yields `Ok` and ends. (`Backoff::delay` is given.)
//!
//! Every test here fails on the bug in the stub: each one measures the wait.
//! All of them run on tokio's paused clock, in virtual milliseconds.

// The code under test, compiled into this suite: your `exercises/src/fix_backoff.rs`,
// or the reference solution with `cargo test --features solutions`.
#[cfg_attr(not(feature = "solutions"), path = "../exercises/src/fix_backoff.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/src/fix_backoff.rs")]
#[allow(
    unused_variables,
    unused_imports,
    unused_mut,
    dead_code,
    unreachable_code
)]
mod fix_backoff;

use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::time::Duration;

use fix_backoff::{Backoff, reconnect};
use futures::StreamExt;
use tokio::time::Instant;
use tokio_test::task;

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// When each connection attempt was made, in ms since the start.
type AttemptLog = Arc<Mutex<Vec<u64>>>;

/// A `connect` that fails `failures` times, then succeeds, and records the
/// virtual time (ms since `start`) of every attempt.
fn flaky_server(
    failures: u32,
    start: Instant,
) -> (
    impl FnMut() -> std::future::Ready<Result<&'static str, u32>>,
    AttemptLog,
) {
    let attempts = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&attempts);
    let mut calls = 0;
    let connect = move || {
        log.lock()
            .unwrap()
            .push((Instant::now() - start).as_millis() as u64);
        calls += 1;
        std::future::ready(if calls <= failures {
            Err(calls)
        } else {
            Ok("connected")
        })
    };
    (connect, attempts)
}

/// Runs `reconnect` against a server that fails `failures` times and returns
/// what it yielded and when each attempt was made.
fn attempts(failures: u32, backoff: Backoff) -> (Vec<Result<&'static str, u32>>, Vec<u64>) {
    support::paused("the reconnect stream never finished", move || async move {
        let (connect, attempts) = flaky_server(failures, Instant::now());
        let real_start = std::time::Instant::now();
        let yielded: Vec<_> = reconnect(connect, backoff).take(50).collect().await;
        let attempts = attempts.lock().unwrap().clone();
        let real = real_start.elapsed();
        assert!(
            real < Duration::from_millis(80) || attempts.iter().any(|&at| at > 0),
            "the attempts took {real:?} of real time but no time at all on tokio's clock: \
             the stream blocked its thread (`std::thread::sleep`?). On a runtime, that \
             freezes every other task on the thread; wait with \
             `tokio::time::sleep(d).await`, which lets them run."
        );
        (yielded, attempts)
    })
}

const NOT_WAITED: &str = "`tokio::time::sleep(d)` does not sleep: it makes a future, and \
    a future does nothing until it is awaited. Bound to a variable and dropped, it never \
    runs. `.await` it.";

#[test]
fn waits_the_backoff_before_each_retry() {
    let backoff = Backoff {
        base: ms(50),
        max: ms(10_000),
    };
    let (yielded, times) = attempts(4, backoff);
    assert_eq!(
        yielded,
        [Err(1), Err(2), Err(3), Err(4), Ok("connected")],
        "four failures, then the connection, then the end"
    );
    assert_eq!(
        times,
        [0, 50, 150, 350, 750],
        "with a backoff of 50 ms doubling each time, the attempts should be made at 0, \
         50, 150, 350 and 750 ms. The delay was computed, but was it waited for? \
         {NOT_WAITED}"
    );
}

#[test]
fn the_wait_is_capped_at_max() {
    let backoff = Backoff {
        base: ms(100),
        max: ms(250),
    };
    let (_, times) = attempts(4, backoff);
    assert_eq!(
        times,
        [0, 100, 300, 550, 800],
        "waits of 100, 200, then at most 250 ms: attempts at 0, 100, 300, 550, 800 ms. \
         {NOT_WAITED}"
    );
}

#[test]
fn does_not_retry_before_the_delay_is_over() {
    support::paused("the reconnect stream never finished", || async {
        let (connect, attempts) = flaky_server(3, Instant::now());
        let backoff = Backoff {
            base: ms(100),
            max: ms(1_000),
        };
        let mut retries = task::spawn(Box::pin(reconnect(connect, backoff)));
        assert_eq!(
            retries.poll_next(),
            Poll::Ready(Some(Err(1))),
            "the first attempt fails at once"
        );
        let real_start = std::time::Instant::now();
        let second = retries.poll_next();
        let real = real_start.elapsed();
        assert!(
            real < Duration::from_millis(50),
            "one poll of the stream took {real:?} of real time: it blocked its thread \
             (`std::thread::sleep`?) instead of returning Pending. On a runtime, that \
             freezes every other task on the thread; wait with \
             `tokio::time::sleep(d).await`, which lets them run."
        );
        assert!(
            second.is_pending(),
            "right after the first failure, the stream tried again ({second:?}) instead \
             of waiting 100 ms: that hammers a server that is already struggling. \
             {NOT_WAITED}"
        );
        assert_eq!(attempts.lock().unwrap().len(), 1, "one attempt so far");
        tokio::time::advance(ms(99)).await;
        assert!(!retries.is_woken(), "woken before the 100 ms were up");
        tokio::time::advance(ms(1)).await;
        assert!(
            retries.is_woken(),
            "the 100 ms are up: the sleep wakes the task"
        );
        assert_eq!(retries.poll_next(), Poll::Ready(Some(Err(2))));
    });
}
