//! Mistake: `fan_in_tasks` runs each producer on a std thread (sending with
//! `blocking_send`), copied from `fan_in_threads`, where the contract asks for
//! a tokio task each. It delivers every item in a program on the real clock,
//! but the runtime cannot see threads: on tokio's paused clock it finds
//! nothing to do while the threads work, and moves time on at once.
//! expect: fail fan_in_tasks_delivers_every_item_once_keeping_each_producers_order "tokio::spawn"

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
    for producer in producers {
        let tx = tx.clone();
        thread::spawn(move || {
            for item in producer {
                // `send` blocks this thread while the channel is full. It
                // fails only if the receiver is gone: then stop producing.
                if tx.send(item).is_err() {
                    break;
                }
            }
        });
    }
    // Each producer has a clone of `tx`; the original is dropped here, on
    // return. Were it kept alive, the receiver would wait for it forever.
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
        // The mistake: a std thread, sending with `blocking_send`, where the
        // contract asks for a tokio task.
        thread::spawn(move || {
            for item in producer {
                if tx.blocking_send(item).is_err() {
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
