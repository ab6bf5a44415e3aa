//! The Backpressure chapter, part 1: what to do when a buffer is full (wait,
//! drop, or grow), how the slowest consumer sets the pace of a fan-out, and
//! the async tools that wait for room: `send().await`, `reserve()` and
//! `reserve_owned()`.
//!
//! Everything that involves time runs on a paused clock, so each timestamp is
//! exact and the program takes no real time.

use std::cell::Cell;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures::future::join_all;
use futures::{Stream, StreamExt, stream};
use tokio::sync::mpsc::{self, error::TrySendError};
use tokio::time::{Instant, sleep, sleep_until};

const fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Whole milliseconds of virtual time since `start`.
fn ms_since(start: Instant) -> u64 {
    start.elapsed().as_millis() as u64
}

// ANCHOR: policies
// The producer has an item ready every 2 ms (at 1, 3, 5, ... 39 ms); the
// consumer takes one every 10 ms, from a channel with room for 4.

/// Wait: a full buffer holds the producer back.
async fn produce_wait(tx: mpsc::Sender<u64>, start: Instant) {
    for item in 0..20 {
        sleep_until(start + ms(2 * item + 1)).await; // the item is ready
        tx.send(item).await.unwrap(); // waits while the buffer is full
    }
}

/// Drop: a full buffer refuses the item, and the producer moves on.
async fn produce_drop(tx: mpsc::Sender<u64>, start: Instant) {
    for item in 0..20 {
        sleep_until(start + ms(2 * item + 1)).await;
        match tx.try_send(item) {
            Ok(()) => {}
            Err(TrySendError::Full(_item)) => {} // shed it (count it, log it)
            Err(TrySendError::Closed(_item)) => break,
        }
    }
}

/// Grow: nothing is ever full, and the queue takes up the difference.
async fn produce_grow(tx: mpsc::UnboundedSender<u64>, start: Instant) {
    for item in 0..20 {
        sleep_until(start + ms(2 * item + 1)).await;
        tx.send(item).unwrap(); // not even async: it never waits
    }
}
// ANCHOR_END: policies

/// A consumer that takes one item every 10 ms. Returns how many items it
/// got, and the most it ever saw waiting in the channel.
async fn slow_consumer(mut rx: impl AsyncQueue) -> (usize, usize) {
    let (mut delivered, mut peak) = (0, 0);
    loop {
        sleep(ms(10)).await;
        peak = peak.max(rx.queued());
        if rx.recv().await.is_none() {
            return (delivered, peak);
        }
        delivered += 1;
    }
}

/// Runs a producer (given the start instant) against `slow_consumer`.
/// Returns when (ms) the producer was done, how many items were delivered,
/// and the most items ever queued.
async fn run<F: Future<Output = ()>>(
    rx: impl AsyncQueue,
    producer: impl FnOnce(Instant) -> F,
) -> (u64, usize, usize) {
    let start = Instant::now();
    let consumer = tokio::spawn(slow_consumer(rx));
    producer(start).await; // drops its sender at the end
    let producer_done = ms_since(start);
    let (delivered, peak_queued) = consumer.await.unwrap();
    (producer_done, delivered, peak_queued)
}

// ANCHOR: policies_outcome
async fn three_answers_to_full() {
    // (producer done at, items delivered, most items queued)
    let (tx, rx) = mpsc::channel(4);
    assert_eq!(run(rx, |start| produce_wait(tx, start)).await, (160, 20, 4));

    let (tx, rx) = mpsc::channel(4);
    assert_eq!(run(rx, |start| produce_drop(tx, start)).await, (39, 7, 4));

    let (tx, rx) = mpsc::unbounded_channel();
    assert_eq!(run(rx, |start| produce_grow(tx, start)).await, (39, 20, 17));
}
// ANCHOR_END: policies_outcome

/// The receiving half of either kind of mpsc channel, for `slow_consumer`.
trait AsyncQueue: Send + 'static {
    fn queued(&self) -> usize;
    fn recv(&mut self) -> impl Future<Output = Option<u64>> + Send;
}

impl AsyncQueue for mpsc::Receiver<u64> {
    fn queued(&self) -> usize {
        self.len()
    }
    fn recv(&mut self) -> impl Future<Output = Option<u64>> + Send {
        mpsc::Receiver::recv(self)
    }
}

impl AsyncQueue for mpsc::UnboundedReceiver<u64> {
    fn queued(&self) -> usize {
        self.len()
    }
    fn recv(&mut self) -> impl Future<Output = Option<u64>> + Send {
        mpsc::UnboundedReceiver::recv(self)
    }
}

// ANCHOR: fan_out
/// Copies each item to every sender, and waits until each has room. A
/// sender whose receiver is gone is dropped from the list.
async fn fan_out<T: Clone>(items: impl IntoIterator<Item = T>, mut sinks: Vec<mpsc::Sender<T>>) {
    for item in items {
        // One send per live sink, all waiting at once...
        let sent = join_all(sinks.iter().map(|sink| sink.send(item.clone()))).await;
        // ...then forget the sinks whose receiver has gone away.
        let mut results = sent.iter();
        sinks.retain(|_| results.next().is_some_and(Result::is_ok));
        if sinks.is_empty() {
            return; // nobody is listening: stop pulling items
        }
    }
}

/// A consumer that takes an item every `pace` and gives up after `quit_after`
/// items. Returns when (ms) it received each item.
async fn consumer(mut rx: mpsc::Receiver<u64>, pace: u64, quit_after: usize) -> Vec<u64> {
    let start = Instant::now();
    let mut received = Vec::new();
    while received.len() < quit_after {
        sleep(ms(pace)).await;
        match rx.recv().await {
            Some(_) => received.push(ms_since(start)),
            None => break,
        }
    }
    received // dropping `rx` here closes the channel
}

async fn the_slowest_consumer_sets_the_pace() {
    let (fast_tx, fast_rx) = mpsc::channel(2);
    let (slow_tx, slow_rx) = mpsc::channel(2);
    let fast = tokio::spawn(consumer(fast_rx, 1, usize::MAX));
    let slow = tokio::spawn(consumer(slow_rx, 10, usize::MAX));
    fan_out(0..8, vec![fast_tx, slow_tx]).await;

    // The fast consumer gets ahead by the slow one's buffer, then is held to
    // the slow one's pace: 10 ms per item.
    assert_eq!(fast.await.unwrap(), [1, 2, 3, 10, 20, 30, 40, 50]);
    assert_eq!(slow.await.unwrap(), [10, 20, 30, 40, 50, 60, 70, 80]);
}

async fn a_dropped_consumer_does_not_stall_the_others() {
    let (fast_tx, fast_rx) = mpsc::channel(2);
    let (slow_tx, slow_rx) = mpsc::channel(2);
    let fast = tokio::spawn(consumer(fast_rx, 1, usize::MAX));
    // The slow consumer leaves after two items.
    let slow = tokio::spawn(consumer(slow_rx, 10, 2));
    fan_out(0..8, vec![fast_tx, slow_tx]).await;

    assert_eq!(slow.await.unwrap(), [10, 20]);
    // Once it is gone, the fast one goes at its own pace.
    assert_eq!(fast.await.unwrap(), [1, 2, 3, 10, 20, 21, 22, 23]);
}
// ANCHOR_END: fan_out

// ANCHOR: forward_send
/// Sends every item of `source` into `sink`; stops early if the receiver is
/// gone. Returns how many items were sent.
async fn forward_with_send<T>(
    mut source: impl Stream<Item = T> + Unpin,
    sink: mpsc::Sender<T>,
) -> usize {
    let mut sent = 0;
    while let Some(item) = source.next().await {
        if sink.send(item).await.is_err() {
            break; // the receiver is gone (the error hands `item` back)
        }
        sent += 1;
    }
    sent
}
// ANCHOR_END: forward_send

// ANCHOR: forward_reserve
/// The same, but it takes an item from `source` only once there is a slot
/// for it.
async fn forward_with_reserve<T>(
    mut source: impl Stream<Item = T> + Unpin,
    sink: mpsc::Sender<T>,
) -> usize {
    let mut sent = 0;
    // `reserve` waits for room and returns a `Permit`: one slot, held for us.
    while let Ok(permit) = sink.reserve().await {
        let Some(item) = source.next().await else {
            break; // dropping the unused permit gives the slot back
        };
        permit.send(item); // cannot fail, cannot wait
        sent += 1;
    }
    sent
}
// ANCHOR_END: forward_reserve

// ANCHOR: reserve_vs_send
fn reserve_pulls_nothing_it_cannot_place() {
    for reserve_first in [false, true] {
        let pulled = Cell::new(0);
        let source = stream::iter(0..10).inspect(|_| pulled.set(pulled.get() + 1));
        let (tx, rx) = mpsc::channel(2);
        let mut forward = tokio_test::task::spawn(async {
            if reserve_first {
                forward_with_reserve(source, tx).await
            } else {
                forward_with_send(source, tx).await
            }
        });

        // Nobody is receiving: the buffer fills up, and the forwarder waits.
        assert!(forward.poll().is_pending());
        assert_eq!(rx.len(), 2);
        // `send` pulled a third item and holds it while it waits for room;
        // `reserve` waits before pulling anything.
        assert_eq!(pulled.get(), if reserve_first { 2 } else { 3 });

        // The receiver goes away. The item `send` was holding never arrives.
        drop(rx);
        assert!(forward.is_woken());
        assert_eq!(forward.poll(), std::task::Poll::Ready(2));
    }
}
// ANCHOR_END: reserve_vs_send

/// Counts the jobs running now, and the most ever running at once.
#[derive(Default)]
struct Gauge {
    now: AtomicUsize,
    peak: AtomicUsize,
}

impl Gauge {
    fn enter(&self) {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
    }
    fn leave(&self) {
        self.now.fetch_sub(1, Ordering::SeqCst);
    }
}

// ANCHOR: reserve_owned
/// Starts a job for each input, but only once there is a slot waiting for
/// its result in `results`: the channel's capacity bounds the jobs running
/// *and* the results queued, together.
async fn spawn_jobs(inputs: Vec<u64>, results: mpsc::Sender<u64>, jobs: Arc<Gauge>) {
    for n in inputs {
        // An `OwnedPermit` holds a sender clone instead of a borrow, so it
        // can move into the spawned task.
        let Ok(permit) = results.clone().reserve_owned().await else {
            return; // nobody wants the results any more
        };
        let jobs = Arc::clone(&jobs);
        tokio::spawn(async move {
            jobs.enter();
            sleep(ms(10)).await; // the work
            jobs.leave();
            permit.send(n * n);
        });
    }
}

async fn permits_bound_the_work_in_flight() {
    let start = Instant::now();
    let jobs = Arc::new(Gauge::default());
    let (tx, mut rx) = mpsc::channel(2);
    tokio::spawn(spawn_jobs((1..=6).collect(), tx, Arc::clone(&jobs)));

    let mut results = Vec::new();
    while let Some(result) = rx.recv().await {
        results.push(result);
    }
    assert_eq!(results, [1, 4, 9, 16, 25, 36]);
    // Never more than two jobs at once: six jobs of 10 ms take 30 ms.
    assert_eq!(jobs.peak.load(Ordering::SeqCst), 2);
    assert_eq!(ms_since(start), 30);
}
// ANCHOR_END: reserve_owned

fn main() {
    reserve_pulls_nothing_it_cannot_place();
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap()
        .block_on(async {
            three_answers_to_full().await;
            the_slowest_consumer_sets_the_pace().await;
            a_dropped_consumer_does_not_stall_the_others().await;
            permits_bound_the_work_in_flight().await;
        });
}
