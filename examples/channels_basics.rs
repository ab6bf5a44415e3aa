//! The Channels chapter, part 1: tokio's four channels, what each one promises,
//! what a slow receiver experiences, and how a channel ends.
//!
//! The wake-up demos poll by hand with a mock task, with no runtime at all (a
//! tokio channel needs none). The demos about *when* things happen run on a
//! current-thread runtime with a paused clock, so every timestamp is exact.

use std::future::Future;
use std::task::Poll;
use std::time::Duration;

use tokio::sync::mpsc::error::{SendError, TryRecvError, TrySendError};
use tokio::sync::{broadcast, mpsc, oneshot, watch};
use tokio::time::{Instant, sleep};

/// A current-thread runtime whose clock starts paused: sleeps take no real
/// time, and `Instant::now()` moves only when the runtime moves it.
fn on_paused_clock<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap()
        .block_on(future)
}

/// Whole milliseconds of virtual time since `start`.
fn ms_since(start: Instant) -> u64 {
    start.elapsed().as_millis() as u64
}

// ANCHOR: bounded
fn bounded_holds_the_sender_back() {
    let (tx, mut rx) = mpsc::channel::<u32>(2);

    // Room for two: these go straight into the buffer.
    tx.try_send(1).unwrap();
    tx.try_send(2).unwrap();
    // A third does not fit. `try_send` says so and hands the value back...
    assert_eq!(tx.try_send(3), Err(TrySendError::Full(3)));

    // ...and `send` waits for room: its future is `Pending` while the buffer
    // is full, and the receiver wakes it when it takes an item out.
    let mut send = tokio_test::task::spawn(tx.send(3));
    assert!(send.poll().is_pending());
    assert_eq!(rx.try_recv(), Ok(1));
    assert!(
        send.is_woken(),
        "taking an item out must wake a waiting sender"
    );
    assert!(send.poll().is_ready());
    drop(send);

    assert_eq!(rx.try_recv(), Ok(2));
    assert_eq!(rx.try_recv(), Ok(3));
}
// ANCHOR_END: bounded

// ANCHOR: pace
/// A producer sends six items as fast as it can; the consumer takes one every
/// 10 ms. Returns the virtual time (ms) at which each `send` completed.
async fn producer_pace(capacity: usize) -> Vec<u64> {
    let start = Instant::now();
    let (tx, mut rx) = mpsc::channel(capacity);
    let consumer = tokio::spawn(async move {
        loop {
            sleep(Duration::from_millis(10)).await;
            if rx.recv().await.is_none() {
                break;
            }
        }
    });
    let mut sent_at = Vec::new();
    for item in 0..6 {
        tx.send(item).await.unwrap();
        sent_at.push(ms_since(start));
    }
    drop(tx);
    consumer.await.unwrap();
    sent_at
}

async fn the_consumer_sets_the_pace() {
    // Two items fit in the buffer at once; after that, each send waits for
    // the consumer to take one out.
    assert_eq!(producer_pace(2).await, [0, 0, 10, 20, 30, 40]);
    // A bigger buffer only delays the moment the producer is held back.
    assert_eq!(producer_pace(4).await, [0, 0, 0, 0, 10, 20]);
}
// ANCHOR_END: pace

// ANCHOR: unbounded
fn unbounded_never_waits() {
    let (tx, rx) = mpsc::unbounded_channel::<u32>();
    // `send` is not even async: it always succeeds at once while the
    // receiver exists. Nobody reads, so everything piles up in memory.
    for item in 0..10_000 {
        tx.send(item).unwrap();
    }
    assert_eq!(rx.len(), 10_000);
}
// ANCHOR_END: unbounded

// ANCHOR: senders_gone
fn ends_when_every_sender_is_gone() {
    let (tx, mut rx) = mpsc::channel::<usize>(8);
    // Three workers, each with its own clone of the sender. Each one sends
    // an item and is done, which drops its clone.
    for worker in 0..3 {
        let worker_tx = tx.clone();
        worker_tx.try_send(worker).unwrap();
    }
    // The workers' senders are gone, but their items are still buffered.
    assert_eq!(rx.try_recv(), Ok(0));
    assert_eq!(rx.try_recv(), Ok(1));
    assert_eq!(rx.try_recv(), Ok(2));
    // Empty, but `tx` itself is still alive: this is not the end. An
    // `rx.recv().await` here would wait for good.
    assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));

    drop(tx);
    // Now every sender is gone and the buffer is empty: the channel has ended.
    assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));
}
// ANCHOR_END: senders_gone

// ANCHOR: close
fn receiver_close() {
    let (tx, mut rx) = mpsc::channel::<&str>(8);
    tx.try_send("first").unwrap();
    tx.try_send("second").unwrap();

    rx.close();
    // No new items get in: the sender gets its value back...
    assert!(tx.is_closed());
    assert_eq!(tx.try_send("third"), Err(TrySendError::Closed("third")));
    // ...but what was already buffered still comes out, then the end, even
    // though `tx` is still alive.
    assert_eq!(rx.try_recv(), Ok("first"));
    assert_eq!(rx.try_recv(), Ok("second"));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));
}
// ANCHOR_END: close

// ANCHOR: receiver_gone
fn receiver_dropped() {
    let (tx, rx) = mpsc::channel::<String>(8);
    drop(rx);
    // Sending into a channel nobody reads fails, and the error holds the
    // value, so nothing is lost silently.
    let error = futures::executor::block_on(tx.send("hello".to_string())).unwrap_err();
    assert_eq!(error, SendError("hello".to_string()));
    assert!(tx.is_closed());
}
// ANCHOR_END: receiver_gone

// ANCHOR: oneshot
/// A request to a task that owns a counter: "add this, and tell me the total".
struct Add {
    amount: u64,
    reply: oneshot::Sender<u64>,
}

async fn counter_task(mut requests: mpsc::Receiver<Add>) {
    let mut total = 0;
    while let Some(Add { amount, reply }) = requests.recv().await {
        total += amount;
        // `send` on a oneshot never waits. It fails only if the asker has
        // gone away, and then there is nobody to tell, so the error is ignored.
        let _ = reply.send(total);
    }
}

async fn request_and_reply() {
    let (requests, rx) = mpsc::channel(16);
    let counter = tokio::spawn(counter_task(rx));

    let mut totals = Vec::new();
    for amount in [5, 10, 20] {
        let (reply, answer) = oneshot::channel();
        requests.send(Add { amount, reply }).await.unwrap();
        // The receiving half is itself a future of the one value.
        totals.push(answer.await.unwrap());
    }
    assert_eq!(totals, [5, 15, 35]);

    drop(requests);
    counter.await.unwrap();
}

fn oneshot_sender_dropped() {
    let (reply, answer) = oneshot::channel::<u64>();
    drop(reply);
    // No value will ever come: the receiver learns that instead of hanging.
    assert!(futures::executor::block_on(answer).is_err());
}
// ANCHOR_END: oneshot

// ANCHOR: broadcast
fn broadcast_lag() {
    // Capacity 3 is rounded up to a power of two: the channel keeps 4 values.
    let (tx, mut fast) = broadcast::channel::<u32>(3);
    let mut slow = tx.subscribe();

    for value in 1..=5 {
        tx.send(value).unwrap(); // never waits, whatever the receivers do
        assert_eq!(fast.try_recv(), Ok(value)); // `fast` keeps up
    }

    // `slow` read nothing. Value 1 has been overwritten by value 5, so it
    // hears first how many values it missed, then carries on from the
    // oldest value still held.
    use broadcast::error::TryRecvError::{Empty, Lagged};
    assert_eq!(slow.try_recv(), Err(Lagged(1)));
    assert_eq!(slow.try_recv(), Ok(2));
    assert_eq!(slow.try_recv(), Ok(3));
    assert_eq!(slow.try_recv(), Ok(4));
    assert_eq!(slow.try_recv(), Ok(5));
    assert_eq!(slow.try_recv(), Err(Empty));

    // A receiver subscribed now sees only what is sent from now on.
    let mut late = tx.subscribe();
    tx.send(6).unwrap();
    assert_eq!(late.try_recv(), Ok(6));
}
// ANCHOR_END: broadcast

// ANCHOR: watch
fn watch_keeps_the_latest() {
    let (tx, mut rx) = watch::channel("starting");
    assert_eq!(*rx.borrow(), "starting");

    // Three updates before the receiver looks: each one replaces the last.
    tx.send("loading").unwrap();
    tx.send("ready").unwrap();
    tx.send("serving").unwrap();
    assert!(rx.has_changed().unwrap());
    // `borrow_and_update` reads the value and marks it seen.
    assert_eq!(*rx.borrow_and_update(), "serving"); // "loading", "ready": never seen

    // Nothing new since: `changed()` waits, and the next send wakes it.
    let mut changed = tokio_test::task::spawn(rx.changed());
    assert!(changed.poll().is_pending());
    tx.send("stopping").unwrap();
    assert!(changed.is_woken());
    assert!(matches!(changed.poll(), Poll::Ready(Ok(()))));
    drop(changed);
    assert_eq!(*rx.borrow(), "stopping");

    // The sender goes away right after one last update. The receiver still
    // gets that value; only then does `changed` report the end.
    tx.send("stopped").unwrap();
    drop(tx);
    futures::executor::block_on(async {
        assert!(rx.changed().await.is_ok());
        assert_eq!(*rx.borrow_and_update(), "stopped");
        assert!(rx.changed().await.is_err());
    });
}
// ANCHOR_END: watch

// ANCHOR: std_blocks
async fn std_recv_blocks_the_runtime() {
    let (tx, rx) = std::sync::mpsc::channel::<&str>();
    // This task is ready to run at once. On a current-thread runtime it runs
    // only when the task that spawned it gives the thread back at an `.await`.
    tokio::spawn(async move { tx.send("hello").unwrap() });

    // A blocking receive holds the thread, so the sender never gets to run.
    // (With a plain `recv()` this would wait forever: a deadlock.)
    let blocked = rx.recv_timeout(Duration::from_millis(5));
    assert!(blocked.is_err());

    // Give the thread back for a moment, and the message is sent.
    tokio::task::yield_now().await;
    assert_eq!(rx.try_recv(), Ok("hello"));
}
// ANCHOR_END: std_blocks

fn main() {
    bounded_holds_the_sender_back();
    unbounded_never_waits();
    ends_when_every_sender_is_gone();
    receiver_close();
    receiver_dropped();
    oneshot_sender_dropped();
    broadcast_lag();
    watch_keeps_the_latest();
    on_paused_clock(async {
        the_consumer_sets_the_pace().await;
        request_and_reply().await;
        std_recv_blocks_the_runtime().await;
    });
}
