//! Hidden suite for `timer_future`: a future completed by another thread.
//!
//! Contract: `TimerFuture::new(duration)` starts a std thread; `duration` after
//! `new`, the future is complete and the waker of the most recent poll is woken
//! (not the waker of an earlier poll). No wake-up and no `Ready` before then.
//!
//! The timer runs on a real thread, so these tests use the real clock, with
//! short timers. They wait for wake-ups with a time limit and never sleep.

// The code under test, compiled into this suite: your `exercises/src/timer_future.rs`,
// or the reference solution with `cargo test --features solutions`.
#[cfg_attr(not(feature = "solutions"), path = "../exercises/src/timer_future.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/src/timer_future.rs")]
#[allow(
    unused_variables,
    unused_imports,
    unused_mut,
    dead_code,
    unreachable_code
)]
mod timer_future;

use std::future::Future;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use support::WakeRecorder;
use timer_future::TimerFuture;

/// A timer far longer than any test: it must not fire while we watch.
const NEVER: Duration = Duration::from_secs(3600);

fn poll_with(timer: &mut TimerFuture, recorder_waker: &std::task::Waker) -> Poll<()> {
    std::pin::Pin::new(timer).poll(&mut Context::from_waker(recorder_waker))
}

#[test]
fn is_pending_before_the_duration_has_passed() {
    let mut timer = TimerFuture::new(NEVER);
    let (_recorder, waker) = WakeRecorder::new();
    assert_eq!(
        poll_with(&mut timer, &waker),
        Poll::Pending,
        "a TimerFuture of one hour was Ready as soon as it was polled; it must stay \
         Pending until its thread has slept for the whole duration."
    );
}

#[test]
fn does_not_wake_before_the_duration_has_passed() {
    let mut timer = TimerFuture::new(NEVER);
    let (recorder, waker) = WakeRecorder::new();
    let _ = poll_with(&mut timer, &waker);
    assert_eq!(
        recorder.wait_for_wake(Duration::from_millis(20)),
        None,
        "a TimerFuture of one hour woke its waker right away. Waking means \"poll me \
         again, there is progress\". Either the timer thread does not sleep for the \
         duration before it wakes, or poll wakes the waker itself: a busy loop, in which \
         the executor polls again and again while nothing has changed."
    );
    assert_eq!(
        poll_with(&mut timer, &waker),
        Poll::Pending,
        "a TimerFuture of one hour was Ready on its second poll; it must stay Pending \
         until the duration has passed."
    );
}

#[test]
fn wakes_the_waker_once_the_duration_has_passed() {
    let duration = Duration::from_millis(30);
    let start = Instant::now();
    let mut timer = TimerFuture::new(duration);
    let (recorder, waker) = WakeRecorder::new();
    if poll_with(&mut timer, &waker).is_ready() {
        assert!(
            start.elapsed() >= duration,
            "TimerFuture::new({duration:?}) was Ready after only {:?}",
            start.elapsed()
        );
        return; // This machine was too slow to catch it Pending: nothing more to see.
    }
    let Some(woken_at) = recorder.wait_for_wake(support::PATIENCE) else {
        panic!(
            "TimerFuture::new({duration:?}) returned Pending, and {:?} later its \
             waker had still not been woken. Nobody will poll it again: a lost wake-up. \
             Store `cx.waker().clone()` in the shared state in poll, and have the timer \
             thread wake it when the time is up.",
            support::PATIENCE
        );
    };
    let after = woken_at - start;
    assert!(
        after >= duration,
        "TimerFuture::new({duration:?}) woke its waker after only {after:?}, before its time. \
         Sleep for the whole duration in the timer thread before waking."
    );
    assert_eq!(
        poll_with(&mut timer, &waker),
        Poll::Ready(()),
        "the timer woke its waker, but the next poll was still Pending. Set `completed` \
         before waking, so that the poll the wake-up asks for finds the future complete."
    );
}

#[test]
fn wakes_the_waker_of_the_latest_poll_not_an_earlier_one() {
    // Polled twice, with two different wakers (as when the future is moved to
    // another task). Only the second waker still reaches the waiting task.
    // If this machine is so slow that the timer fires between the two polls,
    // try again with a longer timer rather than report a false failure.
    for duration in [100, 400, 1600].map(Duration::from_millis) {
        let mut timer = TimerFuture::new(duration);
        let (first, first_waker) = WakeRecorder::new();
        let (latest, latest_waker) = WakeRecorder::new();
        if poll_with(&mut timer, &first_waker).is_ready()
            || poll_with(&mut timer, &latest_waker).is_ready()
        {
            continue;
        }
        let latest_woken = latest.wait_for_wake(support::PATIENCE).is_some();
        let first_woken = first.count() > 0;
        assert!(
            latest_woken,
            "the waker passed to the most recent poll was never woken{}. Each poll may \
             come with a different waker, and only the latest one is sure to reach the \
             task: replace the stored waker on every poll (`Waker::will_wake` tells you \
             when it is the same one).",
            if first_woken {
                "; the waker of the first poll was woken instead: a stale waker"
            } else {
                ""
            }
        );
        assert!(
            !first_woken,
            "both the first poll's waker and the latest poll's waker were woken. Keep only \
             the latest waker: replace the stored one, don't collect them."
        );
        return;
    }
    panic!("the timer was Ready before it could be polled twice, even with a 1.6 s timer");
}

#[test]
fn completes_when_awaited_on_an_executor() {
    let duration = Duration::from_millis(20);
    let elapsed = support::watchdog(
        "`TimerFuture::new(20ms).await` never finished on a real executor: the task was \
         never woken. Does the timer thread wake the stored waker after setting `completed`?",
        move || {
            let start = Instant::now();
            futures::executor::block_on(TimerFuture::new(duration));
            start.elapsed()
        },
    );
    assert!(
        elapsed >= duration,
        "`TimerFuture::new({duration:?}).await` finished after {elapsed:?}, before its time."
    );
}
