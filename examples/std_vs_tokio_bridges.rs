//! The std vs tokio channels chapter, part 2: crossing between threads and
//! tasks. A thread feeds a task with `blocking_send` (from `thread::spawn`
//! and from `spawn_blocking`); tasks feed a thread that reads with
//! `blocking_recv`; one std `recv` waited for from async code through
//! `spawn_blocking`; and why a loop that never ends belongs on a thread of
//! its own rather than on the blocking pool.
//!
//! Threads are real here, so the clock is too. Every wait is bounded, and
//! the waits that show something does *not* happen last a few milliseconds.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc as std_mpsc;
use std::thread;
use std::time::{Duration, Instant};

use tokio::runtime::{Builder, Runtime};
use tokio::sync::{mpsc, oneshot};

const fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// How long a demo waits for something that should happen at once.
const SOON: Duration = Duration::from_secs(1);

/// A current-thread runtime on the real clock.
fn runtime() -> Runtime {
    Builder::new_current_thread().enable_time().build().unwrap()
}

/// Waits, without blocking the runtime, until `done()` holds.
async fn wait_until(what: &str, done: impl Fn() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < SOON, "gave up waiting: {what}");
        tokio::time::sleep(ms(1)).await;
    }
}

// ANCHOR: sync_to_async
/// A synchronous producer: think of a parser that reads a file with std I/O.
fn parse(lines: Vec<&'static str>, out: mpsc::Sender<String>, parsed: Arc<AtomicUsize>) {
    for line in lines {
        let record = line.to_uppercase();
        parsed.fetch_add(1, Ordering::SeqCst);
        // Blocks this thread while the async side's channel is full.
        if out.blocking_send(record).is_err() {
            return; // the async side is gone: stop parsing
        }
    }
}

async fn a_thread_feeds_a_task() {
    let (tx, mut rx) = mpsc::channel(2);
    let parsed = Arc::new(AtomicUsize::new(0));
    let lines = vec!["a", "b", "c", "d", "e", "f"];
    let counter = Arc::clone(&parsed);
    thread::spawn(move || parse(lines, tx, counter));

    // Nobody receives yet: two records wait in the channel, and the parser
    // is blocked with a third in hand. Backpressure reaches the thread.
    wait_until("three records", || parsed.load(Ordering::SeqCst) == 3).await;
    tokio::time::sleep(ms(5)).await;
    assert_eq!(parsed.load(Ordering::SeqCst), 3);

    let mut records = Vec::new();
    while let Some(record) = rx.recv().await {
        records.push(record);
    }
    assert_eq!(records, ["A", "B", "C", "D", "E", "F"]);
}
// ANCHOR_END: sync_to_async

// ANCHOR: spawn_blocking_producer
async fn spawn_blocking_feeds_a_task() {
    let (tx, mut rx) = mpsc::channel(2);
    // The same kind of producer, on tokio's blocking pool. Its `JoinHandle`
    // is a future of the closure's return value.
    let parser = tokio::task::spawn_blocking(move || {
        let mut sent = 0;
        for line in ["x", "yy", "zzz"] {
            if tx.blocking_send(line.len()).is_err() {
                break;
            }
            sent += 1;
        }
        sent
    });

    let mut total = 0;
    while let Some(length) = rx.recv().await {
        total += length;
    }
    assert_eq!(total, 6);
    assert_eq!(parser.await.unwrap(), 3);
}
// ANCHOR_END: spawn_blocking_producer

// ANCHOR: async_to_sync
/// A synchronous consumer: think of a database client with a blocking API.
fn store(mut rows: mpsc::Receiver<(usize, u32)>, done: oneshot::Sender<Vec<(usize, u32)>>) {
    let mut stored = Vec::new();
    // Blocks this thread while the channel is empty; `None` once every
    // sender is gone.
    while let Some(row) = rows.blocking_recv() {
        stored.push(row);
    }
    // A oneshot `send` never waits: it is fine on any thread.
    let _ = done.send(stored);
}

async fn tasks_feed_a_thread() {
    let (tx, rx) = mpsc::channel(4);
    let (done_tx, done_rx) = oneshot::channel();
    thread::spawn(move || store(rx, done_tx));

    for task in 0..3 {
        let tx = tx.clone();
        tokio::spawn(async move {
            for seq in 0..10 {
                tx.send((task, seq)).await.unwrap(); // Pending while full
            }
        });
    }
    drop(tx); // or the thread's loop never ends

    let stored = done_rx.await.unwrap();
    assert_eq!(stored.len(), 30);
    for task in 0..3 {
        let mine: Vec<u32> = stored.iter().filter(|r| r.0 == task).map(|r| r.1).collect();
        assert_eq!(mine, (0..10).collect::<Vec<_>>());
    }
}
// ANCHOR_END: async_to_sync

// ANCHOR: one_std_recv
async fn await_one_std_recv() {
    // A synchronous component that answers on a std channel, once it has
    // been asked.
    let (ask_tx, ask_rx) = std_mpsc::channel::<()>();
    let (answer_tx, answer_rx) = std_mpsc::channel();
    thread::spawn(move || {
        if ask_rx.recv_timeout(SOON).is_ok() {
            let _ = answer_tx.send(42);
        }
    });

    // The std `recv` runs on the blocking pool; this task awaits its handle.
    let answer = tokio::task::spawn_blocking(move || answer_rx.recv());
    // Meanwhile the runtime's only thread is free: another task gets to run,
    // and it is the one that asks.
    tokio::spawn(async move { ask_tx.send(()).unwrap() });

    assert_eq!(answer.await.unwrap(), Ok(42));
}
// ANCHOR_END: one_std_recv

// ANCHOR: shutdown
/// Forwards a std channel into a tokio one, from whatever thread runs it.
fn forward(from: std_mpsc::Receiver<u32>, to: mpsc::Sender<u32>) {
    while let Ok(item) = from.recv() {
        if to.blocking_send(item).is_err() {
            break;
        }
    }
}

fn a_loop_on_the_blocking_pool_holds_up_shutdown() {
    let rt = runtime();
    let (std_tx, std_rx) = std_mpsc::channel();
    let (tx, mut rx) = mpsc::channel(8);
    rt.spawn_blocking(move || forward(std_rx, tx));
    std_tx.send(1).unwrap();
    assert_eq!(rt.block_on(rx.recv()), Some(1));
    drop(rx); // the async side is done; the loop sits in the std `recv`

    // Dropping a runtime waits for every blocking task to return.
    let (dropped_tx, dropped) = std_mpsc::channel();
    thread::spawn(move || {
        drop(rt);
        dropped_tx.send(()).unwrap();
    });
    assert!(dropped.recv_timeout(ms(10)).is_err()); // still waiting

    // Only when the std side ends does the loop return, and the runtime go.
    drop(std_tx);
    assert!(dropped.recv_timeout(SOON).is_ok());
}

fn a_loop_on_its_own_thread_does_not() {
    let rt = runtime();
    let (std_tx, std_rx) = std_mpsc::channel();
    let (tx, mut rx) = mpsc::channel(8);
    let forwarder = thread::spawn(move || forward(std_rx, tx));
    std_tx.send(1).unwrap();
    assert_eq!(rt.block_on(rx.recv()), Some(1));
    drop(rx);

    drop(rt); // returns at once: the runtime does not know the thread
    assert!(!forwarder.is_finished()); // which lives on, in its `recv`
    drop(std_tx);
    forwarder.join().unwrap();
}
// ANCHOR_END: shutdown

fn main() {
    let rt = runtime();
    rt.block_on(a_thread_feeds_a_task());
    rt.block_on(spawn_blocking_feeds_a_task());
    rt.block_on(tasks_feed_a_thread());
    rt.block_on(await_one_std_recv());
    drop(rt);
    a_loop_on_the_blocking_pool_holds_up_shutdown();
    a_loop_on_its_own_thread_does_not();
}
