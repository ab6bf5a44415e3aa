//! The Shutdown chapter: `CancellationToken` (a tree of tokens,
//! `cancelled`, `run_until_cancelled`), `TaskTracker` (closed AND empty),
//! `JoinSet` (dropping it aborts but does not wait), a grace period with
//! `timeout`, and what `abort` does and does not promise.
//!
//! Time runs on tokio's paused clock, so every timestamp is exact and the
//! program takes no real time; the two demonstrations that need real threads
//! (a task busy in its poll, a `spawn_blocking` closure) wait only for
//! something that happens at once.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::task::JoinSet;
use tokio::time::{Instant, sleep, timeout};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

const fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Whole milliseconds of virtual time since `start`.
fn ms_since(start: Instant) -> u64 {
    start.elapsed().as_millis() as u64
}

/// Notes in a shared list when it is dropped: a task's future is gone once
/// the guard it holds has been dropped.
struct Guard(&'static str, Arc<Mutex<Vec<&'static str>>>);

impl Drop for Guard {
    fn drop(&mut self) {
        self.1.lock().unwrap().push(self.0);
    }
}

// ANCHOR: token_tree
async fn a_tree_of_tokens() {
    let server = CancellationToken::new();
    let connection = server.child_token();
    let request = connection.child_token();

    // Cancelling a child leaves its parent alone...
    request.cancel();
    assert!(request.is_cancelled() && !connection.is_cancelled());

    // ...and cancelling a parent cancels every token below it.
    let other_request = connection.child_token();
    server.cancel();
    assert!(connection.is_cancelled() && other_request.is_cancelled());

    // A child made from a cancelled token starts cancelled, and `cancelled()`
    // on a cancelled token completes at once.
    let late = server.child_token();
    late.cancelled().await;
}
// ANCHOR_END: token_tree

// ANCHOR: run_until_cancelled
async fn work_until_told_to_stop() {
    let start = Instant::now();
    let token = CancellationToken::new();
    let stopper = token.clone();
    tokio::spawn(async move {
        sleep(ms(30)).await;
        stopper.cancel(); // in a real service: when a signal arrives
    });

    // Finishes in 10 ms: its result comes back.
    let quick = token.run_until_cancelled(async {
        sleep(ms(10)).await;
        "done"
    });
    assert_eq!(quick.await, Some("done"));

    // Would take 100 ms: at 30 ms the token is cancelled, the future is
    // dropped where it waits, and the answer is `None`.
    let slow = token.run_until_cancelled(async {
        sleep(ms(100)).await;
        "done"
    });
    assert_eq!(slow.await, None);
    assert_eq!(ms_since(start), 30);

    // On a token already cancelled, the future is not even polled.
    assert_eq!(token.run_until_cancelled(async { "done" }).await, None);
}
// ANCHOR_END: run_until_cancelled

// ANCHOR: tracker
async fn a_tracker_waits_for_closed_and_empty() {
    let start = Instant::now();
    let tracker = TaskTracker::new();
    let gone = Arc::new(Mutex::new(Vec::new()));

    // Open and empty: `wait` does not return.
    assert!(timeout(ms(10), tracker.wait()).await.is_err());

    let guard = Guard("worker", Arc::clone(&gone));
    tracker.spawn(async move {
        let _guard = guard;
        sleep(ms(50)).await;
    });
    // Closing does not stop anything: it only lets `wait` return once the
    // tracker is also empty. (Spawning after `close` still works, too.)
    tracker.close();
    tracker.wait().await;

    // When `wait` returns, every tracked future has been dropped.
    assert_eq!(ms_since(start), 60);
    assert_eq!(*gone.lock().unwrap(), ["worker"]);
}
// ANCHOR_END: tracker

// ANCHOR: join_set_drop
async fn dropping_a_join_set_does_not_wait() {
    let gone = Arc::new(Mutex::new(Vec::new()));
    let mut set = JoinSet::new();
    for name in ["a", "b"] {
        let guard = Guard(name, Arc::clone(&gone));
        set.spawn(async move {
            let _guard = guard;
            sleep(ms(1000)).await;
        });
    }
    sleep(ms(10)).await; // both are waiting in their sleep

    drop(set); // asks both tasks to abort, and returns at once
    assert!(gone.lock().unwrap().is_empty(), "still there");

    // The tasks are cancelled when the runtime next gets to them.
    tokio::task::yield_now().await;
    assert_eq!(gone.lock().unwrap().len(), 2);
}
// ANCHOR_END: join_set_drop

// ANCHOR: abort_asks
async fn abort_only_asks() {
    // A task that has already ended: abort does nothing, and its handle
    // says it ended normally.
    let ended = tokio::spawn(async { 7 });
    sleep(ms(1)).await;
    ended.abort();
    assert_eq!(ended.await.unwrap(), 7);

    // A task waiting at an `.await`: it is cancelled there, its future is
    // dropped, and only then does its handle answer.
    let gone = Arc::new(Mutex::new(Vec::new()));
    let guard = Guard("sleeper", Arc::clone(&gone));
    let sleeper = tokio::spawn(async move {
        let _guard = guard;
        sleep(ms(1000)).await;
    });
    sleep(ms(1)).await;
    sleeper.abort();
    let error = sleeper.await.unwrap_err();
    assert!(error.is_cancelled());
    assert_eq!(*gone.lock().unwrap(), ["sleeper"]);
}
// ANCHOR_END: abort_asks

// ANCHOR: grace_period
/// A worker that checks its token between units of work, and takes 20 ms
/// to finish up once told to stop.
async fn worker(token: CancellationToken, unit: Duration) -> &'static str {
    loop {
        tokio::select! {
            () = token.cancelled() => {
                sleep(ms(20)).await; // flush, say goodbye
                return "finished up";
            }
            () = sleep(unit) => {} // one unit of work done
        }
    }
}

async fn a_grace_period() {
    let start = Instant::now();
    let token = CancellationToken::new();
    let mut workers = JoinSet::new();
    workers.spawn(worker(token.child_token(), ms(10)));
    workers.spawn(worker(token.child_token(), ms(10)));
    // This one ignores its token: it only stops when aborted.
    workers.spawn(async {
        sleep(ms(10_000)).await;
        "ran to its end"
    });

    sleep(ms(100)).await; // ...until the signal comes
    token.cancel(); // 1. tell everyone
    let grace = ms(50);
    let mut outcomes = Vec::new();
    // 2. drain, for at most the grace period
    let drained = timeout(grace, async {
        while let Some(joined) = workers.join_next().await {
            outcomes.push((ms_since(start), joined.unwrap()));
        }
    })
    .await;
    if drained.is_err() {
        // 3. the last resort: abort, and wait until the tasks are gone
        workers.abort_all();
        while let Some(joined) = workers.join_next().await {
            let error = joined.unwrap_err();
            assert!(error.is_cancelled());
            outcomes.push((ms_since(start), "aborted"));
        }
    }
    assert_eq!(
        outcomes,
        [(120, "finished up"), (120, "finished up"), (150, "aborted")]
    );
}
// ANCHOR_END: grace_period

// ANCHOR: abort_mid_poll
/// A task busy in its poll (here: spinning until told to go on) is not
/// interrupted by `abort`: the request is noted, and acted on at the next
/// `.await` where the task yields. This one has none left: it ends normally.
fn abort_cannot_interrupt_a_poll(runtime: &tokio::runtime::Runtime) {
    let started = Arc::new(AtomicBool::new(false));
    let go_on = Arc::new(AtomicBool::new(false));
    let (s, g) = (Arc::clone(&started), Arc::clone(&go_on));
    let busy = runtime.spawn(async move {
        s.store(true, Ordering::SeqCst);
        while !g.load(Ordering::SeqCst) {
            std::hint::spin_loop(); // a CPU loop: no `.await` in it
        }
        "ran to its end"
    });
    while !started.load(Ordering::SeqCst) {
        std::thread::yield_now();
    }
    busy.abort(); // asked while the task is inside its poll
    go_on.store(true, Ordering::SeqCst);
    assert_eq!(runtime.block_on(busy).unwrap(), "ran to its end");
}
// ANCHOR_END: abort_mid_poll

// ANCHOR: abort_blocking
/// A `spawn_blocking` closure that has started cannot be aborted at all.
fn abort_cannot_stop_a_blocking_closure(runtime: &tokio::runtime::Runtime) {
    let (started_tx, started) = std::sync::mpsc::channel();
    let (go_on, go_on_rx) = std::sync::mpsc::channel::<()>();
    let blocking = runtime.spawn_blocking(move || {
        started_tx.send(()).unwrap();
        go_on_rx.recv().unwrap();
        "ran to its end"
    });
    started.recv().unwrap();
    blocking.abort(); // no effect: the closure is running
    go_on.send(()).unwrap();
    assert_eq!(runtime.block_on(blocking).unwrap(), "ran to its end");
}
// ANCHOR_END: abort_blocking

fn main() {
    let paused = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap();
    paused.block_on(async {
        a_tree_of_tokens().await;
        work_until_told_to_stop().await;
        a_tracker_waits_for_closed_and_empty().await;
        dropping_a_join_set_does_not_wait().await;
        abort_only_asks().await;
        a_grace_period().await;
    });

    let threads = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    abort_cannot_interrupt_a_poll(&threads);
    abort_cannot_stop_a_blocking_closure(&threads);
    println!("shutdown_basics: every claim checked");
}
