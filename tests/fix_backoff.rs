//! Hidden suite for `fix_backoff`: a reconnect loop with exponential backoff.
//!
//! Contract: `trace(reconnect(connect, backoff))` calls `connect` at its first poll
//! (not when the stream is made); after the n-th failure it yields that `Err`
//! at once, then waits `backoff.delay(n)`, and tries again; after a success
//! it yields `Ok` and ends. (`Backoff::delay` is given.)
//!
//! Every test here fails on the bug in the stub: each one measures the wait.
//! All of them run on tokio's paused clock, in virtual milliseconds.

// The code under test, compiled into this suite: your `exercises/src/fix_backoff.rs`,
// or the reference solution with `cargo test --features solutions`.
#[cfg_attr(not(feature = "solutions"), path = "../exercises/src/fix_backoff.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/src/fix_backoff.rs")]
mod fix_backoff;

use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::time::Duration;

use fix_backoff::{Backoff, reconnect};
use futures::StreamExt;
use support::trace;
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

/// What the stream yielded, each with when (ms since the start).
type Timeline = Vec<(u64, Result<&'static str, u32>)>;

/// Runs `reconnect` against a server that fails `failures` times and returns
/// what it yielded and when each attempt was made.
fn attempts(failures: u32, backoff: Backoff) -> (Vec<Result<&'static str, u32>>, Vec<u64>) {
    let (timeline, attempts) = timeline(failures, backoff);
    let yielded = timeline.into_iter().map(|(_, item)| item).collect();
    (yielded, attempts)
}

/// Runs `reconnect` against a server that fails `failures` times and returns
/// what it yielded, and when, and when each attempt was made.
fn timeline(failures: u32, backoff: Backoff) -> (Timeline, Vec<u64>) {
    support::paused("the reconnect stream never finished", move || async move {
        let start = Instant::now();
        let (connect, attempts) = flaky_server(failures, start);
        let real_start = std::time::Instant::now();
        let yielded: Timeline = trace(reconnect(connect, backoff))
            .take(50)
            .map(|item| ((Instant::now() - start).as_millis() as u64, item))
            .collect()
            .await;
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
fn yields_each_error_at_once_then_waits() {
    let backoff = Backoff {
        base: ms(50),
        max: ms(10_000),
    };
    let (timeline, attempts) = timeline(3, backoff);
    assert_eq!(
        attempts,
        [0, 50, 150, 350],
        "with a backoff of 50 ms doubling each time, three failures and a connection: \
         attempts at 0, 50, 150 and 350 ms. {NOT_WAITED}"
    );
    assert_eq!(
        timeline,
        [
            (0, Err(1)),
            (50, Err(2)),
            (150, Err(3)),
            (350, Ok("connected"))
        ],
        "three failures and a connection, backoff 50 ms doubling (pairs of virtual ms and \
         what was yielded; the attempts were made at the right times). Each failure is \
         yielded at once, when its attempt fails, and only then does the stream wait \
         before the next attempt: yield the `Err` first, then `sleep(..).await`. Waiting \
         first reports every failure a whole delay late."
    );
}

#[test]
fn connects_at_the_first_poll_not_when_the_stream_is_made() {
    let (timeline, attempts) = support::paused("the reconnect stream never finished", || async {
        let start = Instant::now();
        let (connect, attempts) = flaky_server(1, start);
        let backoff = Backoff {
            base: ms(50),
            max: ms(1_000),
        };
        let retries = trace(reconnect(connect, backoff));
        // Made at 0 ms, first polled at 30 ms.
        tokio::time::advance(ms(30)).await;
        let timeline: Timeline = retries
            .map(|item| ((Instant::now() - start).as_millis() as u64, item))
            .collect()
            .await;
        let attempts = attempts.lock().unwrap().clone();
        (timeline, attempts)
    });
    assert_eq!(
        attempts.first(),
        Some(&30),
        "the stream was made at 0 ms and first polled at 30 ms, yet its first attempt was \
         made at {:?} ms (all attempts: {attempts:?}). `reconnect` only makes the stream; \
         the first attempt belongs in it, made at its first poll (whoever made it may poll \
         it later, or never). Call `connect` inside `stream!`, not before it.",
        attempts.first()
    );
    // Say what the numbers point to: no wait at all, or a failure held back.
    let why = match (attempts.as_slice(), timeline.first()) {
        ([first, second, ..], _) if first == second => format!(
            "No virtual time passed between the two attempts. {NOT_WAITED} (Or the wait \
             blocks the thread, as `std::thread::sleep` does: tokio's clock never sees it.)"
        ),
        ([first, ..], Some((at, Err(_)))) if at != first => format!(
            "The failure happened at {first} ms but was yielded at {at} ms: yield each \
             `Err` at once, then wait."
        ),
        _ => String::new(),
    };
    assert_eq!(
        timeline,
        [(30, Err(1)), (80, Ok("connected"))],
        "first polled at 30 ms, one failure, then a connection 50 ms later (pairs of \
         virtual ms and what was yielded; attempts at {attempts:?} ms). {why}"
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
        let mut retries = task::spawn(Box::pin(trace(reconnect(connect, backoff))));
        assert_eq!(
            retries.poll_next(),
            Poll::Ready(Some(Err(1))),
            "the first attempt fails at once, and its Err is yielded at once (the wait comes \
             after it, before the next attempt)"
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
