//! The std vs tokio channels chapter, part 1: one bounded queue, two ways of
//! waiting. The rules of `std::sync::mpsc::sync_channel` and of
//! `tokio::sync::mpsc::channel` side by side; a full std channel parking its
//! thread, a full tokio channel suspending only its task; and ten thousand
//! producers waiting at once on a single thread.
//!
//! The std demos wait on real threads, always with a bound, and a few
//! milliseconds at most where they show that something does *not* happen.
//! The tokio demos poll by hand with a mock task, or run on a paused clock.

use std::panic;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc as std_mpsc;
use std::thread;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;
use tokio::sync::mpsc::error::{TryRecvError, TrySendError};

const fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Waits, on the real clock, until `done()` holds; fails after a second.
fn wait_until(what: &str, done: impl Fn() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(1),
            "gave up waiting: {what}"
        );
        thread::sleep(ms(1));
    }
}

/// Runs `f`, which must panic, with the panic report silenced; returns the
/// panic's message.
fn panic_message(f: impl FnOnce()) -> String {
    let report = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let payload = panic::catch_unwind(panic::AssertUnwindSafe(f)).expect_err("it should panic");
    panic::set_hook(report);
    match payload.downcast::<String>() {
        Ok(message) => *message,
        Err(payload) => payload.downcast::<&str>().map(|m| m.to_string()).unwrap(),
    }
}

// ANCHOR: same_rules
fn std_rules() {
    let (tx, rx) = std_mpsc::sync_channel(2);
    tx.try_send(1).unwrap();
    tx.try_send(2).unwrap();
    // Full: `try_send` refuses the item and hands it back.
    assert_eq!(tx.try_send(3), Err(std_mpsc::TrySendError::Full(3)));
    assert_eq!(rx.try_recv(), Ok(1)); // a receive makes room
    tx.try_send(3).unwrap();

    // The last sender goes: the buffer still drains, then the end.
    drop(tx);
    assert_eq!(rx.recv(), Ok(2));
    assert_eq!(rx.recv(), Ok(3));
    assert_eq!(rx.recv(), Err(std_mpsc::RecvError));

    // The receiver goes: a send fails, and hands the item back.
    let (tx, rx) = std_mpsc::sync_channel(2);
    drop(rx);
    assert_eq!(tx.send(4), Err(std_mpsc::SendError(4)));
}

fn tokio_rules() {
    let (tx, mut rx) = mpsc::channel(2);
    tx.try_send(1).unwrap();
    tx.try_send(2).unwrap();
    assert_eq!(tx.try_send(3), Err(TrySendError::Full(3)));
    assert_eq!(rx.try_recv(), Ok(1));
    tx.try_send(3).unwrap();

    drop(tx);
    assert_eq!(rx.try_recv(), Ok(2));
    assert_eq!(rx.try_recv(), Ok(3));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));

    let (tx, rx) = mpsc::channel(2);
    drop(rx);
    assert_eq!(tx.try_send(4), Err(TrySendError::Closed(4)));
}
// ANCHOR_END: same_rules

// ANCHOR: capacity_zero
fn capacity_zero() {
    // std: a rendezvous. Nothing is buffered; each `send` waits until a
    // `recv` takes the item from its hand.
    let (tx, rx) = std_mpsc::sync_channel(0);
    assert_eq!(tx.try_send(1), Err(std_mpsc::TrySendError::Full(1)));
    let producer = thread::spawn(move || tx.send(2));
    assert_eq!(rx.recv(), Ok(2));
    assert_eq!(producer.join().unwrap(), Ok(()));

    // tokio: refused at once.
    let message = panic_message(|| drop(mpsc::channel::<u32>(0)));
    assert_eq!(message, "mpsc bounded channel requires buffer > 0");
}
// ANCHOR_END: capacity_zero

// ANCHOR: std_send_parks
fn a_full_std_channel_parks_the_thread() {
    let (tx, rx) = std_mpsc::sync_channel(1);
    let sent = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&sent);
    let producer = thread::spawn(move || {
        for item in 0..3 {
            tx.send(item).unwrap(); // blocks while the channel is full
            counter.fetch_add(1, Ordering::SeqCst);
        }
    });

    // Item 0 fills the channel; the send of item 1 blocks the thread.
    wait_until("the first send", || sent.load(Ordering::SeqCst) == 1);
    thread::sleep(ms(5));
    assert_eq!(sent.load(Ordering::SeqCst), 1);
    assert!(!producer.is_finished());

    // Only another thread can let it go on: each receive makes room.
    assert_eq!(rx.recv(), Ok(0));
    assert_eq!(rx.recv(), Ok(1));
    assert_eq!(rx.recv(), Ok(2));
    producer.join().unwrap();
    assert_eq!(sent.load(Ordering::SeqCst), 3);
}
// ANCHOR_END: std_send_parks

// ANCHOR: tokio_send_pends
fn a_full_tokio_channel_suspends_the_task() {
    let (tx, mut rx) = mpsc::channel(1);
    let mut producer = tokio_test::task::spawn(async move {
        for item in 0..3 {
            tx.send(item).await.unwrap(); // Pending while the channel is full
        }
    });

    // Item 0 fills the channel; the send of item 1 returns Pending, and so
    // does the producer: the poll is over, and this thread is free...
    assert!(producer.poll().is_pending());
    assert!(!producer.is_woken());
    // ...to do something else, such as being the consumer.
    assert_eq!(rx.try_recv(), Ok(0));
    assert!(producer.is_woken()); // making room woke the producer

    assert!(producer.poll().is_pending()); // item 1 in, item 2 waits
    assert_eq!(rx.try_recv(), Ok(1));
    assert!(producer.poll().is_ready()); // item 2 in, and done
    assert_eq!(rx.try_recv(), Ok(2));
}
// ANCHOR_END: tokio_send_pends

// ANCHOR: many_producers
/// One producer: a small state machine, not a thread.
async fn producer(tx: mpsc::Sender<usize>, id: usize, waiting: Arc<AtomicUsize>) {
    waiting.fetch_add(1, Ordering::SeqCst);
    tx.send(id).await.unwrap();
    waiting.fetch_sub(1, Ordering::SeqCst);
}

async fn ten_thousand_producers_on_one_thread() {
    const PRODUCERS: usize = 10_000;
    let (tx, mut rx) = mpsc::channel(1);
    let waiting = Arc::new(AtomicUsize::new(0));

    // A task is its future, boxed: no stack of its own.
    let one = producer(tx.clone(), 0, Arc::clone(&waiting));
    assert!(size_of_val(&one) < 1024);
    tokio::spawn(one);
    for id in 1..PRODUCERS {
        tokio::spawn(producer(tx.clone(), id, Arc::clone(&waiting)));
    }
    drop(tx);

    // On the paused clock this sleep ends when every task is waiting: one
    // producer got its item in, and all the others sit in `send(..).await`,
    // on this one thread.
    tokio::time::sleep(ms(1)).await;
    assert_eq!(rx.len(), 1);
    assert_eq!(waiting.load(Ordering::SeqCst), PRODUCERS - 1);

    let mut received = 0;
    while rx.recv().await.is_some() {
        received += 1;
    }
    assert_eq!(received, PRODUCERS);
    assert_eq!(waiting.load(Ordering::SeqCst), 0);
}
// ANCHOR_END: many_producers

fn main() {
    std_rules();
    tokio_rules();
    capacity_zero();
    a_full_std_channel_parks_the_thread();
    a_full_tokio_channel_suspends_the_task();
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap()
        .block_on(ten_thousand_producers_on_one_thread());
}
