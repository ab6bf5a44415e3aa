//! Mistake: `fan_in_threads` joins its producer threads before it returns the
//! receiver, "so that every item has been sent". Nobody can receive before
//! it returns, so as soon as a producer has more items than the channel
//! holds, it blocks in `send` and the `join` waits for it for ever: a
//! deadlock, not a slow start.
//! expect: fail fan_in_threads_delivers_every_item_once_keeping_each_producers_order "deadlock"
//! expect: fail fan_in_threads_ends_when_every_producer_is_done "deadlock"
//! expect: fail fan_in_threads_holds_a_fast_producer_back "deadlock"
//! expect: fail fan_in_threads_runs_every_producer_at_once "deadlock"

use std::sync::mpsc as std_mpsc;
use std::thread;

use tokio::sync::mpsc;

// ANCHOR: threads
/// Runs each producer on a thread of its own, sending its items, in order,
/// into one `std::sync::mpsc::sync_channel` of `capacity`; returns the
/// receiving end.
///
/// A full channel blocks a producer's thread until the consumer takes an
/// item. The receiver ends (`recv` fails) once every producer is done.
pub fn fan_in_threads<T, I>(producers: Vec<I>, capacity: usize) -> std_mpsc::Receiver<T>
where
    T: Send + 'static,
    I: IntoIterator<Item = T> + Send + 'static,
    I::IntoIter: Send,
{
    let (tx, rx) = std_mpsc::sync_channel(capacity);
    // ANCHOR: join
    let handles: Vec<_> = producers
        .into_iter()
        .map(|producer| {
            let tx = tx.clone();
            thread::spawn(move || {
                for item in producer {
                    if tx.send(item).is_err() {
                        break;
                    }
                }
            })
        })
        .collect();
    drop(tx);
    // "Make sure every producer has finished before handing out the
    // receiver." Nobody receives yet, so a producer with more items than
    // the channel holds blocks in `send`, and this `join` waits for ever.
    for handle in handles {
        handle.join().expect("a producer panicked");
    }
    // ANCHOR_END: join
    rx
}
// ANCHOR_END: threads

// ANCHOR: tasks
/// Runs each producer as a tokio task, sending its items, in order, into one
/// `tokio::sync::mpsc` channel of `capacity`; returns the receiving end.
///
/// A full channel suspends a producer's task (its `send` is `Pending`) until
/// the consumer takes an item. The receiver ends (`recv` gives `None`) once
/// every producer is done. Must be called inside a tokio runtime.
pub fn fan_in_tasks<T, I>(producers: Vec<I>, capacity: usize) -> mpsc::Receiver<T>
where
    T: Send + 'static,
    I: IntoIterator<Item = T> + Send + 'static,
    I::IntoIter: Send,
{
    let (tx, rx) = mpsc::channel(capacity);
    for producer in producers {
        let tx = tx.clone();
        tokio::spawn(async move {
            for item in producer {
                // `send` waits by returning `Pending`: the thread runs other
                // tasks meanwhile.
                if tx.send(item).await.is_err() {
                    break;
                }
            }
        });
    }
    rx
}
// ANCHOR_END: tasks

// ANCHOR: bridge
/// Forwards every item of a std receiver into a tokio channel of `capacity`,
/// in order, and returns the tokio receiver, which ends when the std channel
/// has ended.
///
/// No runtime thread ever waits on the std receiver: a thread of its own
/// does, and hands each item over with `blocking_send`, which also holds it
/// back while the tokio channel is full.
pub fn bridge<T: Send + 'static>(rx: std_mpsc::Receiver<T>, capacity: usize) -> mpsc::Receiver<T> {
    let (tx, async_rx) = mpsc::channel(capacity);
    // A plain thread rather than `spawn_blocking`: the bridge lives as long
    // as the channel, and tokio's blocking pool is meant for work that ends.
    thread::spawn(move || {
        // `recv` blocks this thread, which is what it is for; it fails once
        // every std sender is gone, and then `tx` is dropped and the tokio
        // receiver sees the end.
        while let Ok(item) = rx.recv() {
            if tx.blocking_send(item).is_err() {
                break; // the async side stopped listening
            }
        }
    });
    async_rx
}
// ANCHOR_END: bridge
