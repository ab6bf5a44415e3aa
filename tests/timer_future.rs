//! Hidden suite for `timer_future`: a future completed by another thread.
//!
//! Contract: `TimerFuture::new(duration)` starts a std thread; `duration` after
//! `new` (not after the first poll), the future is complete and the waker of
//! the most recent poll is woken (not the waker of an earlier poll). No
//! wake-up and no `Ready` before then. `new` and `poll` return at once.
//!
//! The timer runs on a real thread, so these tests use the real clock, with
//! short timers. They wait for wake-ups with a time limit and never sleep, and
//! every call into the learner's code runs under the watchdog.

// The code under test, compiled into this suite: your `exercises/src/timer_future.rs`,
// or the reference solution with `cargo test --features solutions`.
#[cfg_attr(not(feature = "solutions"), path = "../exercises/src/timer_future.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/src/timer_future.rs")]
mod timer_future;

use std::future::Future;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use support::{WakeRecorder, trace};
use timer_future::TimerFuture;

/// A timer far longer than any test: it must not fire while we watch.
const NEVER: Duration = Duration::from_secs(3600);

/// How long a test waits for a wake-up that is due within tens of
/// milliseconds. Shorter than the watchdog's patience, so that a test that
/// waits this long still ends with its own message.
const WAKE_LIMIT: Duration = Duration::from_secs(1);

/// Why a test may run into the watchdog: its own waits are all shorter.
const BLOCKED: &str = "a call into TimerFuture (`new` or `poll`) never returned. Both \
    must return at once: `new` starts the timer thread and returns (it never sleeps, or \
    joins that thread, itself), and `poll` only looks at the shared state (Ready, or \
    store the waker and return Pending). The waiting happens in the timer thread, and \
    its wake-up tells the executor when to poll again.";

/// [`BLOCKED`], for a test that calls `new` and `poll` one at a time and can
/// say which of them never returned.
const NEW_BLOCKED: &str = "`TimerFuture::new` never returned. It must return at once: it \
    starts the timer thread and returns, and never sleeps, or joins that thread, itself. \
    The waiting happens in the timer thread.";
const POLL_BLOCKED: &str = "`poll` never returned (`new` did). It must return at once: it \
    only looks at the shared state (Ready, or store the waker and return Pending), and \
    never waits for the timer thread (no `join`, no sleep). The waiting happens in the \
    timer thread, and its wake-up tells the executor when to poll again.";

fn poll_with(
    timer: &mut (impl Future<Output = ()> + Unpin),
    recorder_waker: &std::task::Waker,
) -> Poll<()> {
    std::pin::Pin::new(timer).poll(&mut Context::from_waker(recorder_waker))
}

#[test]
fn is_pending_before_the_duration_has_passed() {
    let mut timer = support::watchdog(NEW_BLOCKED, || trace(TimerFuture::new(NEVER)));
    support::watchdog(POLL_BLOCKED, move || {
        let (_recorder, waker) = WakeRecorder::new();
        assert_eq!(
            poll_with(&mut timer, &waker),
            Poll::Pending,
            "a TimerFuture of one hour was Ready as soon as it was polled; it must stay \
             Pending until its thread has slept for the whole duration."
        );
    });
}

#[test]
fn does_not_wake_before_the_duration_has_passed() {
    support::watchdog(BLOCKED, || {
        let mut timer = trace(TimerFuture::new(NEVER));
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
    });
}

#[test]
fn wakes_the_waker_once_the_duration_has_passed() {
    support::watchdog(BLOCKED, || {
        let duration = Duration::from_millis(30);
        let start = Instant::now();
        let mut timer = trace(TimerFuture::new(duration));
        let (recorder, waker) = WakeRecorder::new();
        if poll_with(&mut timer, &waker).is_ready() {
            assert!(
                start.elapsed() >= duration,
                "TimerFuture::new({duration:?}) was Ready after only {:?}",
                start.elapsed()
            );
            return; // This machine was too slow to catch it Pending: nothing more to see.
        }
        let Some(woken_at) = recorder.wait_for_wake(WAKE_LIMIT) else {
            panic!(
                "TimerFuture::new({duration:?}) returned Pending, and {WAKE_LIMIT:?} later \
                 its waker had still not been woken. Nobody will poll it again: a lost \
                 wake-up. Store `cx.waker().clone()` in the shared state in poll, and have \
                 the timer thread wake it when the time is up."
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
    });
}

#[test]
fn wakes_the_waker_of_the_latest_poll_not_an_earlier_one() {
    support::watchdog(BLOCKED, || {
        // Polled twice, with two different wakers (as when the future is moved to
        // another task). Only the second waker still reaches the waiting task.
        // If this machine is so slow that the timer fires between the two polls,
        // try again with a longer timer rather than report a false failure.
        for duration in [100, 400].map(Duration::from_millis) {
            let mut timer = trace(TimerFuture::new(duration));
            let (first, first_waker) = WakeRecorder::new();
            let (latest, latest_waker) = WakeRecorder::new();
            if poll_with(&mut timer, &first_waker).is_ready()
                || poll_with(&mut timer, &latest_waker).is_ready()
            {
                continue;
            }
            let latest_woken = latest.wait_for_wake(WAKE_LIMIT).is_some();
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
        panic!(
            "the timer was Ready before it could be polled twice, even with a 0.4 s timer: \
             does `new` or `poll` wait for the duration itself (both must return at once: \
             the timer thread does the waiting), or does the timer thread not sleep?"
        );
    });
}

#[test]
fn counts_its_duration_from_new_not_from_the_first_poll() {
    // Two timers made together, the second twice as long; the first is not
    // polled until the second has woken, so by then its whole duration has
    // passed since `new`, however late it is polled. (The longer timer is
    // the clock: this test never sleeps. If this machine is so slow that
    // the short timer's thread runs late, try again with longer timers.)
    support::watchdog(BLOCKED, || {
        let mut always_ready_at_once = true;
        for duration in [20, 100, 300].map(Duration::from_millis) {
            let mut short = TimerFuture::new(duration);
            let mut long = trace(TimerFuture::new(2 * duration));
            let (long_recorder, long_waker) = WakeRecorder::new();
            if poll_with(&mut long, &long_waker).is_ready() {
                continue; // Too slow to catch it Pending.
            }
            always_ready_at_once = false;
            assert!(
                long_recorder.wait_for_wake(WAKE_LIMIT).is_some(),
                "TimerFuture::new({:?}) returned Pending and was never woken: a lost \
                 wake-up (store the waker of each poll, and wake it from the timer thread)",
                2 * duration
            );
            assert!(
                poll_with(&mut long, &long_waker).is_ready(),
                "TimerFuture::new({:?}) woke its waker, and the poll that followed was \
                 still Pending: wake only once the future is complete (a wake-up says \
                 \"poll me again, there is progress\"; waking itself from poll is a busy loop)",
                2 * duration
            );
            let (_recorder, short_waker) = WakeRecorder::new();
            if poll_with(&mut short, &short_waker).is_ready() {
                return;
            }
        }
        assert!(
            !always_ready_at_once,
            "a TimerFuture was Ready at its very first poll, right after `new` returned, \
             every time: does `new` or `poll` wait for the duration itself (both must return \
             at once: the timer thread does the waiting), or does the timer thread not sleep?"
        );
        panic!(
            "TimerFuture::new(d) and TimerFuture::new(2 d) were made together, and the \
             first was polled for the first time once the second had woken, 2 d after \
             `new`: it was still Pending. The duration is counted from `new`, not from the \
             first poll: start the timer thread in `new` (a future may be polled for the \
             first time long after it was made)."
        );
    });
}

#[test]
fn completes_when_awaited_on_an_executor() {
    let duration = Duration::from_millis(20);
    let elapsed = support::watchdog(
        "`TimerFuture::new(20ms).await` never finished on a real executor: the task was \
         never woken. Does the timer thread wake the stored waker after setting `completed`?",
        move || {
            let start = Instant::now();
            futures::executor::block_on(trace(TimerFuture::new(duration)));
            start.elapsed()
        },
    );
    assert!(
        elapsed >= duration,
        "`TimerFuture::new({duration:?}).await` finished after {elapsed:?}, before its time."
    );
}
