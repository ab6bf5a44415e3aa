//! The Time chapter, part 1: `sleep`, `Sleep::reset`, intervals and missed
//! ticks, `timeout`, tokio's `Instant`, and the paused clock that makes all of
//! them exact and instant in tests.
//!
//! Everything runs on a paused clock, so each assertion about virtual time is
//! exact, and the whole program takes a few milliseconds of real time.

use std::cell::Cell;
use std::future::Future;
use std::pin::pin;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::{Instant, MissedTickBehavior, advance, interval, sleep, sleep_until, timeout};

const fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Whole milliseconds of virtual time since `start`.
fn ms_since(start: Instant) -> u64 {
    start.elapsed().as_millis() as u64
}

// ANCHOR: paused_runtime
/// Runs `future` on a current-thread runtime whose clock starts paused. This
/// is what `#[tokio::test(start_paused = true)]` sets up for a test (and
/// `#[tokio::main(flavor = "current_thread", start_paused = true)]` for a
/// `main`). Both need tokio's `test-util` feature.
fn on_paused_clock<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_time() // without this, any `sleep` panics
        .start_paused(true)
        .build()
        .unwrap()
        .block_on(future)
}
// ANCHOR_END: paused_runtime

// ANCHOR: sleep_leaf
async fn sleep_is_a_leaf_future() {
    let mut nap = tokio_test::task::spawn(sleep(ms(10)));

    // The first poll registers the task's waker with the runtime's timer.
    assert!(nap.poll().is_pending());

    advance(ms(9)).await; // move the paused clock by hand
    assert!(!nap.is_woken(), "not before the deadline");

    advance(ms(1)).await;
    assert!(nap.is_woken(), "the timer wakes the task at the deadline");
    assert!(nap.poll().is_ready());
}
// ANCHOR_END: sleep_leaf

// ANCHOR: reset
/// Counts the messages on `rx` until `idle` passes without one.
async fn count_until_idle(mut rx: mpsc::Receiver<()>, idle: Duration) -> usize {
    // `Sleep` is `!Unpin`: pin it once, here, and reuse it.
    let mut deadline = pin!(sleep(idle));
    let mut messages = 0;
    loop {
        tokio::select! {
            Some(()) = rx.recv() => {
                messages += 1;
                // Push the same timer back instead of making a new one.
                deadline.as_mut().reset(Instant::now() + idle);
            }
            () = deadline.as_mut() => return messages,
        }
    }
}

async fn idle_timeout() {
    let start = Instant::now();
    let (tx, rx) = mpsc::channel(8);
    tokio::spawn(async move {
        for at in [0, 30, 50] {
            sleep_until(start + ms(at)).await;
            tx.send(()).await.unwrap();
        }
        sleep(ms(1000)).await; // keep the channel open, but quiet
    });

    // Messages at 0, 30 and 50 ms; 40 ms after the last one, it gives up.
    assert_eq!(count_until_idle(rx, ms(40)).await, 3);
    assert_eq!(ms_since(start), 90);
}
// ANCHOR_END: reset

// ANCHOR: interval_vs_sleep
/// "Every 10 ms, do 3 ms of work", written with `sleep`: returns when (ms)
/// each round of work started.
async fn every_10ms_with_sleep() -> Vec<u64> {
    let start = Instant::now();
    let mut started = Vec::new();
    for _ in 0..4 {
        started.push(ms_since(start));
        sleep(ms(3)).await; // the work
        sleep(ms(10)).await; // then wait a period
    }
    started
}

/// The same with an `Interval`.
async fn every_10ms_with_interval() -> Vec<u64> {
    let start = Instant::now();
    let mut ticks = interval(ms(10));
    let mut started = Vec::new();
    for _ in 0..4 {
        ticks.tick().await; // the first tick is immediate
        started.push(ms_since(start));
        sleep(ms(3)).await; // the work
    }
    started
}

async fn interval_keeps_the_schedule() {
    // The sleep loop drifts by the length of the work, every round.
    assert_eq!(every_10ms_with_sleep().await, [0, 13, 26, 39]);
    // The interval's ticks are fixed points in time.
    assert_eq!(every_10ms_with_interval().await, [0, 10, 20, 30]);
}
// ANCHOR_END: interval_vs_sleep

// ANCHOR: missed_ticks
/// A 10 ms interval whose consumer stalls for 35 ms after the first tick.
/// Returns when (ms) each of six ticks was seen.
async fn ticks_after_a_stall(behavior: MissedTickBehavior) -> Vec<u64> {
    let start = Instant::now();
    let mut ticks = interval(ms(10));
    ticks.set_missed_tick_behavior(behavior);
    let mut seen = Vec::new();
    for n in 0..6 {
        ticks.tick().await;
        seen.push(ms_since(start));
        if n == 0 {
            sleep(ms(35)).await; // the stall: ticks at 10, 20 and 30 are missed
        }
    }
    seen
}

async fn missed_tick_behaviors() {
    use MissedTickBehavior::{Burst, Delay, Skip};
    // Catch up at once, then back on the original schedule.
    assert_eq!(ticks_after_a_stall(Burst).await, [0, 35, 35, 35, 40, 50]);
    // One tick now, then a new schedule counted from now.
    assert_eq!(ticks_after_a_stall(Delay).await, [0, 35, 45, 55, 65, 75]);
    // One tick now, then the next tick of the original schedule.
    assert_eq!(ticks_after_a_stall(Skip).await, [0, 35, 40, 50, 60, 70]);

    // `tick()` returns when the tick was *due*, not when it was seen: the
    // burst's catch-up ticks, all seen at 35 ms, say 10, 20 and 30.
    let start = Instant::now();
    let mut ticks = interval(ms(10));
    ticks.tick().await;
    sleep(ms(35)).await;
    for due in [10, 20, 30] {
        assert_eq!(ticks.tick().await, start + ms(due));
        assert_eq!(ms_since(start), 35);
    }
}
// ANCHOR_END: missed_ticks

// ANCHOR: timeout
async fn timeouts() {
    let start = Instant::now();

    // Finished in time: `Ok` with the output, as soon as it is ready.
    let quick = timeout(ms(50), async {
        sleep(ms(10)).await;
        "done"
    });
    assert_eq!(quick.await, Ok("done"));
    assert_eq!(ms_since(start), 10);

    // Too slow: `Err(Elapsed)` at the deadline, and the inner future is
    // dropped there, in the middle of its work. It is cancelled.
    let finished = Cell::new(false);
    let slow = timeout(ms(50), async {
        sleep(ms(60)).await;
        finished.set(true);
    });
    assert!(slow.await.is_err());
    assert_eq!(ms_since(start), 60);
    sleep(ms(100)).await;
    assert!(!finished.get(), "a cancelled future never runs again");

    // Ready exactly at the deadline: `timeout` polls the inner future before
    // it looks at its timer, so the inner future wins the tie.
    assert_eq!(timeout(ms(50), sleep(ms(50))).await, Ok(()));
}
// ANCHOR_END: timeout

// ANCHOR: instants
async fn tokio_instant_follows_the_runtime_clock() {
    let tokio_start = tokio::time::Instant::now();
    let std_start = std::time::Instant::now();

    sleep(Duration::from_secs(3600)).await;

    // An hour has passed for the runtime...
    assert_eq!(tokio_start.elapsed(), Duration::from_secs(3600));
    // ...and a few microseconds for the operating system.
    assert!(std_start.elapsed() < Duration::from_secs(1));
}
// ANCHOR_END: instants

// ANCHOR: auto_advance
async fn a_day_in_no_time() {
    let start = Instant::now();
    let real_start = std::time::Instant::now();

    let minute = tokio::spawn(sleep(Duration::from_secs(60)));
    let hour = tokio::spawn(sleep(Duration::from_secs(3600)));
    let day = tokio::spawn(sleep(Duration::from_secs(86_400)));
    // Each time every task is waiting, the runtime jumps the clock straight
    // to the next timer: 1 min, then 1 h, then 1 day.
    let (minute, hour, day) = tokio::join!(minute, hour, day);
    assert!(minute.is_ok() && hour.is_ok() && day.is_ok());

    assert_eq!(start.elapsed(), Duration::from_secs(86_400));
    assert!(real_start.elapsed() < Duration::from_secs(1));
}
// ANCHOR_END: auto_advance

// ANCHOR: pause
fn pause_by_hand() {
    // A runtime with a real clock...
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    runtime.block_on(async {
        // ...until `pause()` freezes it (current-thread runtimes only).
        tokio::time::pause();
        let frozen = Instant::now();
        std::thread::sleep(ms(2)); // real time passes...
        assert_eq!(Instant::now(), frozen); // ...the runtime's clock does not

        advance(ms(500)).await;
        assert_eq!(frozen.elapsed(), ms(500));

        // `resume()` goes back to following the real clock.
        tokio::time::resume();
    });
}
// ANCHOR_END: pause

// ANCHOR: throttle_rule
/// When a throttle with delay `d` emits each item, given when (ms) the
/// upstream has each item ready: e₀ = a₀, eₖ = max(eₖ₋₁ + d, aₖ).
fn throttle_rule(arrivals: &[u64], d: u64) -> Vec<u64> {
    let mut emitted: Vec<u64> = Vec::new();
    for &arrival in arrivals {
        let earliest = emitted.last().map_or(arrival, |&last| last + d);
        emitted.push(earliest.max(arrival));
    }
    emitted
}
// ANCHOR_END: throttle_rule

// ANCHOR: throttle_measured
/// Feeds tokio-stream's `throttle` from a channel whose sender sends each item
/// at a fixed virtual instant, and records when (ms) each item comes out.
async fn measure_throttle(arrivals: &'static [u64], d: u64) -> Vec<u64> {
    use tokio_stream::StreamExt;
    use tokio_stream::wrappers::ReceiverStream;

    let start = Instant::now();
    let (tx, rx) = mpsc::channel(16);
    tokio::spawn(async move {
        for &at in arrivals {
            sleep_until(start + ms(at)).await;
            tx.send(at).await.unwrap();
        }
    });
    let mut throttled = pin!(ReceiverStream::new(rx).throttle(ms(d)));
    let mut emitted = Vec::new();
    while throttled.next().await.is_some() {
        emitted.push(ms_since(start));
    }
    emitted
}

async fn throttle_timeline() {
    const ARRIVALS: &[u64] = &[0, 3, 5, 40, 42];
    assert_eq!(throttle_rule(ARRIVALS, 10), [0, 10, 20, 40, 50]);
    assert_eq!(measure_throttle(ARRIVALS, 10).await, [0, 10, 20, 40, 50]);
}
// ANCHOR_END: throttle_measured

fn main() {
    on_paused_clock(async {
        sleep_is_a_leaf_future().await;
        idle_timeout().await;
        interval_keeps_the_schedule().await;
        missed_tick_behaviors().await;
        timeouts().await;
        tokio_instant_follows_the_runtime_clock().await;
        a_day_in_no_time().await;
        throttle_timeline().await;
    });
    pause_by_hand();
}
