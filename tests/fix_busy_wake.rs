//! Hidden suite for `fix_busy_wake`: a heartbeat on a quiet stream.
//!
//! Contract: `Heartbeat::new(stream, period)` yields `Beat::Item(x)` for each
//! upstream item and `Beat::Idle` whenever `period` passes without an item or
//! `Idle` (counted from `new` at first); it ends when the upstream ends. While
//! it waits it is woken by the upstream or by its timer, never by itself.
//!
//! Every test here fails on the bug in the stub: each one notices a busy loop.
//! All of them run on tokio's paused clock.

// The code under test, compiled into this suite: your `exercises/src/fix_busy_wake.rs`,
// or the reference solution with `cargo test --features solutions`.
#[cfg_attr(not(feature = "solutions"), path = "../exercises/src/fix_busy_wake.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/src/fix_busy_wake.rs")]
mod fix_busy_wake;

use std::pin::Pin;
use std::task::Poll;
use std::time::Duration;

use fix_busy_wake::{Beat, Heartbeat};
use futures::{Stream, StreamExt, stream};
use support::trace;
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_stream::wrappers::ReceiverStream;
use tokio_test::task;

const BUSY: &str = "returned Pending and woke its own task at once: a busy loop. The \
    executor polls it again immediately, over and over, until the period is up, burning \
    a CPU core (and on the paused clock, time cannot even move on). Wait on a timer \
    instead: keep a `Sleep`, poll it with `cx`, and the runtime wakes the task at the \
    deadline.";

const SPIN: &str = "the heartbeat test never finished";

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

#[test]
fn waits_for_the_period_without_waking_itself() {
    support::paused(SPIN, || async {
        let (_tx, rx) = mpsc::channel::<u32>(4);
        let mut heartbeat = task::spawn(trace(Heartbeat::new(ReceiverStream::new(rx), ms(100))));
        assert!(
            heartbeat.poll_next().is_pending(),
            "nothing has happened yet: Pending"
        );
        assert!(!heartbeat.is_woken(), "the heartbeat {BUSY}");
        tokio::time::advance(ms(99)).await;
        assert!(
            !heartbeat.is_woken(),
            "the task was woken before the period was up; it should sleep until then"
        );
        tokio::time::advance(ms(1)).await;
        if !heartbeat.is_woken() {
            // Polled anyway: is the Idle there, only not announced?
            let diagnosis = if heartbeat.poll_next() == Poll::Ready(Some(Beat::Idle)) {
                "Polled anyway, it has its Idle ready: it looks at the clock, but nothing \
                 will wake it when the time comes. Poll the `Sleep` (made in `new`) with \
                 `cx`: its timer then wakes the task when it is due."
            } else {
                "Polled anyway, it still has no Idle: the timer it polls is not due at 100 ms. \
                 A `Sleep` made anew at each poll is always a whole period away; keep one \
                 `Sleep`, made in `new`, and poll that one."
            };
            panic!(
                "the period is up, but the heartbeat's task was not woken (a lost wake-up). \
                 {diagnosis}"
            );
        }
        assert_eq!(heartbeat.poll_next(), Poll::Ready(Some(Beat::Idle)));
    });
}

#[test]
fn counts_the_first_period_from_new_not_from_the_first_poll() {
    const FROM_NEW: &str = "The first period is counted from `new`, not from the first \
        poll: a consumer may start polling late, and the silence began when the heartbeat \
        was made. Start the timer in `new` (a `Sleep` made there is due `period` after \
        `new`, however late it is first polled).";
    support::paused(SPIN, || async {
        let (_tx, rx) = mpsc::channel::<u32>(4);
        let mut heartbeat = task::spawn(trace(Heartbeat::new(ReceiverStream::new(rx), ms(100))));
        // The consumer polls for the first time 60 ms after `new`.
        tokio::time::advance(ms(60)).await;
        assert!(
            heartbeat.poll_next().is_pending(),
            "first polled 60 ms after `new`, with a period of 100 ms: Pending"
        );
        assert!(!heartbeat.is_woken(), "the heartbeat {BUSY}");
        tokio::time::advance(ms(39)).await;
        assert!(
            !heartbeat.is_woken(),
            "the task was woken 99 ms after `new`; the first Idle is due at 100 ms"
        );
        tokio::time::advance(ms(1)).await;
        assert!(
            heartbeat.is_woken(),
            "100 ms after `new` (40 ms after the first poll), the heartbeat's task was not \
             woken. Two likely causes: its timer starts at the first poll (the first period \
             is counted from `new`: start the timer there), or the `Sleep` that would wake \
             it is gone (one made inside `poll_next` is dropped when `poll_next` returns, \
             and its wake-up with it: keep one `Sleep` in the struct)."
        );
        assert_eq!(
            heartbeat.poll_next(),
            Poll::Ready(Some(Beat::Idle)),
            "100 ms after `new`: Idle. {FROM_NEW}"
        );

        // First polled when the first period is already over: Idle at once.
        let (_tx, rx) = mpsc::channel::<u32>(4);
        let mut heartbeat = task::spawn(trace(Heartbeat::new(ReceiverStream::new(rx), ms(100))));
        tokio::time::advance(ms(130)).await;
        assert_eq!(
            heartbeat.poll_next(),
            Poll::Ready(Some(Beat::Idle)),
            "first polled 130 ms after `new`, with a period of 100 ms: a whole period has \
             passed without an item, so the first poll should say Idle at once. {FROM_NEW}"
        );
    });
}

#[test]
fn an_item_wakes_it_while_it_waits() {
    support::paused(SPIN, || async {
        let (tx, rx) = mpsc::channel(4);
        let mut heartbeat = task::spawn(trace(Heartbeat::new(ReceiverStream::new(rx), ms(100))));
        assert!(heartbeat.poll_next().is_pending(), "nothing yet: Pending");
        assert!(!heartbeat.is_woken(), "the heartbeat {BUSY}");
        tokio::time::advance(ms(30)).await;
        tx.send(7).await.unwrap();
        assert!(
            heartbeat.is_woken(),
            "an upstream item arrived: the upstream's wake-up should reach the task"
        );
        assert_eq!(heartbeat.poll_next(), Poll::Ready(Some(Beat::Item(7))));
    });
}

#[test]
fn beats_at_the_right_virtual_times() {
    let timeline = support::paused(SPIN, || async {
        let start = Instant::now();
        let (tx, rx) = mpsc::channel(4);
        tokio::spawn(async move {
            for (at, item) in [(0, 'a'), (150, 'b'), (400, 'c')] {
                tokio::time::sleep_until(start + ms(at)).await;
                tx.send(item).await.unwrap();
            }
            tokio::time::sleep_until(start + ms(450)).await;
        });
        let heartbeat = trace(Heartbeat::new(ReceiverStream::new(rx), ms(100)));
        let mut beats = Vec::new();
        let mut polls = 0;
        let mut heartbeat = std::pin::pin!(heartbeat);
        loop {
            let next = std::future::poll_fn(|cx| {
                polls += 1;
                assert!(
                    polls < 10_000,
                    "poll_next was called {polls} times: the heartbeat {BUSY}"
                );
                Pin::as_mut(&mut heartbeat).poll_next(cx)
            })
            .await;
            let at = (Instant::now() - start).as_millis() as u64;
            match next {
                Some(beat) => beats.push((at, beat)),
                None => break,
            }
        }
        (beats, polls)
    });
    let (beats, polls) = timeline;
    use Beat::{Idle, Item};
    assert_eq!(
        beats,
        [
            (0, Item('a')),
            (100, Idle),
            (150, Item('b')),
            (250, Idle),
            (350, Idle),
            (400, Item('c')),
        ],
        "items at 0, 150 and 400 ms with a period of 100 ms: Idle after every 100 ms \
         without an item or Idle, counted from the last of them (times in ms, paused clock)"
    );
    assert!(
        polls <= 40,
        "6 beats and an end took {polls} polls; a stream that waits properly needs two or \
         three per beat. Many more means it is woken with nothing to do: {BUSY}"
    );
}

#[test]
fn a_quiet_upstream_gets_one_idle_per_period() {
    let idles = support::paused(SPIN, || async {
        let mut heartbeat = trace(Heartbeat::new(stream::pending::<u32>(), ms(50)));
        let mut polls = 0;
        let guarded = stream::poll_fn(move |cx| {
            polls += 1;
            assert!(
                polls < 10_000,
                "poll_next was called {polls} times: the heartbeat {BUSY}"
            );
            heartbeat.poll_next_unpin(cx)
        });
        let start = Instant::now();
        let idles: Vec<u64> = guarded
            .take(5)
            .map(|beat| {
                assert_eq!(beat, Beat::Idle, "the upstream never yields: only Idle");
                (Instant::now() - start).as_millis() as u64
            })
            .collect()
            .await;
        idles
    });
    assert_eq!(
        idles,
        [50, 100, 150, 200, 250],
        "an upstream that never yields, period 50 ms: Idle at 50, 100, 150, 200, 250 ms"
    );
}

#[test]
fn a_late_consumer_gets_one_idle_then_a_whole_new_period() {
    support::paused(SPIN, || async {
        let mut heartbeat = task::spawn(trace(Heartbeat::new(stream::pending::<u32>(), ms(100))));
        assert!(heartbeat.poll_next().is_pending(), "nothing yet: Pending");
        assert!(!heartbeat.is_woken(), "the heartbeat {BUSY}");
        // The consumer is busy elsewhere and comes back after 3.5 periods.
        tokio::time::advance(ms(350)).await;
        assert_eq!(
            heartbeat.poll_next(),
            Poll::Ready(Some(Beat::Idle)),
            "the period passed long ago: Idle"
        );
        let next = heartbeat.poll_next();
        assert!(
            next.is_pending(),
            "right after an Idle, the heartbeat said {next:?}. The period is counted from \
             the last item or Idle, so a consumer that comes back late gets one Idle and \
             then a whole new period, not the missed beats in a burst. (An `Interval` \
             catches up on missed ticks unless told \
             `set_missed_tick_behavior(MissedTickBehavior::Delay)`.)"
        );
        tokio::time::advance(ms(99)).await;
        assert!(
            !heartbeat.is_woken(),
            "woken 99 ms after the Idle; the next is due 100 ms after it"
        );
        tokio::time::advance(ms(1)).await;
        assert!(
            heartbeat.is_woken(),
            "100 ms after the Idle, the heartbeat's task was not woken (a lost wake-up)"
        );
        assert_eq!(heartbeat.poll_next(), Poll::Ready(Some(Beat::Idle)));
    });
}
