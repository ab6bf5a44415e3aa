//! The Time chapter, part 2: the traps of tokio's timer and of the paused
//! clock, each one shown without hanging.

use std::future::Future;
use std::panic;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::time::{Instant, sleep, timeout};

const fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn on_paused_clock<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap()
        .block_on(future)
}

/// Runs `f`, expecting it to panic, and returns the panic message. The
/// default panic hook is silenced meanwhile, to keep the output clean.
fn panic_message(f: impl FnOnce() + panic::UnwindSafe) -> String {
    let hook = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let payload = panic::catch_unwind(f).expect_err("expected a panic");
    panic::set_hook(hook);
    match payload.downcast::<String>() {
        Ok(message) => *message,
        Err(payload) => payload
            .downcast::<&str>()
            .map_or(String::new(), |s| s.to_string()),
    }
}

// ANCHOR: needs_runtime
fn sleep_needs_a_timer() {
    // Outside any runtime, there is no timer to register with.
    let message = panic_message(|| drop(sleep(ms(1))));
    assert!(message.contains("must be called from the context of a Tokio 1.x runtime"));

    // A runtime built without `enable_time()` has no timer either.
    let no_timer = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let message = panic_message(|| no_timer.block_on(async { sleep(ms(1)).await }));
    assert!(message.contains("timers are disabled"));
}
// ANCHOR_END: needs_runtime

// ANCHOR: real_time
async fn real_time_does_not_move_the_paused_clock() {
    let start = Instant::now();

    // Blocking the thread for real takes real time, and no virtual time.
    std::thread::sleep(ms(5));
    assert_eq!(start.elapsed(), Duration::ZERO);

    // While a `spawn_blocking` job runs, the clock may not auto-advance
    // either, so a one-hour timer loses the race against 5 real ms.
    let job = tokio::task::spawn_blocking(|| std::thread::sleep(ms(5)));
    let winner = tokio::select! {
        _ = job => "the blocking job",
        () = sleep(Duration::from_secs(3600)) => "the one-hour timer",
    };
    assert_eq!(winner, "the blocking job");
    assert_eq!(start.elapsed(), Duration::ZERO);
}
// ANCHOR_END: real_time

// ANCHOR: busy
/// BUG (from the Wakers chapter): wakes itself on every poll. This one at
/// least gives up after `polls_left` polls, so the demo ends.
struct BusyWait {
    polls_left: u32,
}

impl Future for BusyWait {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.polls_left == 0 {
            return Poll::Ready(());
        }
        self.polls_left -= 1;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

async fn busy_task_freezes_the_clock() {
    let start = Instant::now();
    let winner = tokio::select! {
        () = sleep(ms(1)) => "a 1 ms timer",
        () = BusyWait { polls_left: 10_000 } => "ten thousand busy polls",
    };
    // The task was runnable the whole time, so the runtime never had a
    // moment with nothing to do, and the clock never moved.
    assert_eq!(winner, "ten thousand busy polls");
    assert_eq!(start.elapsed(), Duration::ZERO);
}
// ANCHOR_END: busy

// ANCHOR: lost_wake
/// BUG: returns `Pending` without storing the waker, so whoever sets the flag
/// wakes nobody.
struct LostWait {
    flag: Arc<AtomicBool>,
}

impl Future for LostWait {
    type Output = ();

    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        if self.flag.load(Ordering::SeqCst) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

/// A flag that another task sets 10 ms from now.
fn flag_set_after_10ms() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    let setter = Arc::clone(&flag);
    tokio::spawn(async move {
        sleep(ms(10)).await;
        setter.store(true, Ordering::SeqCst);
    });
    flag
}

async fn timeout_does_not_catch_a_lost_wake_up() {
    // For comparison, a correct wait (a oneshot) is done at 10 ms.
    let start = Instant::now();
    let (tx, rx) = oneshot::channel();
    tokio::spawn(async move {
        sleep(ms(10)).await;
        tx.send(()).unwrap();
    });
    assert!(timeout(ms(100), rx).await.is_ok());
    assert_eq!(start.elapsed(), ms(10));

    // The buggy wait, under `timeout`: at 100 ms the timer wakes the task,
    // `timeout` polls the inner future first, and it finds the flag set.
    let start = Instant::now();
    let flag = flag_set_after_10ms();
    assert!(
        timeout(ms(100), LostWait { flag }).await.is_ok(),
        "it passes!"
    );
    // Only the clock tells: it took 100 ms, not 10.
    assert_eq!(start.elapsed(), ms(100));

    // A `biased` select polls its branches in order, timer first, so a
    // wait that was never woken loses to the deadline.
    let flag = flag_set_after_10ms();
    let outcome = tokio::select! {
        biased;
        () = sleep(ms(100)) => Err("not woken within 100 ms: a lost wake-up?"),
        () = LostWait { flag } => Ok(()),
    };
    assert!(outcome.is_err());
}
// ANCHOR_END: lost_wake

// ANCHOR: rounding
async fn whole_milliseconds() {
    let start = Instant::now();
    // The timer counts in whole milliseconds and rounds deadlines up.
    sleep(Duration::from_micros(1)).await;
    assert_eq!(start.elapsed(), ms(1));
    sleep(Duration::from_micros(1500)).await;
    sleep(Duration::from_micros(1500)).await;
    assert_eq!(start.elapsed(), ms(5)); // 1 + 2 + 2, not 1 + 1.5 + 1.5
}
// ANCHOR_END: rounding

fn main() {
    sleep_needs_a_timer();
    on_paused_clock(async {
        real_time_does_not_move_the_paused_clock().await;
        busy_task_freezes_the_clock().await;
        timeout_does_not_catch_a_lost_wake_up().await;
        whole_milliseconds().await;
    });
}
