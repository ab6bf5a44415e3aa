//! Mistake: the bridge forwards with `try_send`, which never waits: when the
//! tokio channel is full, the item is thrown away.
//! expect: fail bridge_holds_the_std_side_back_when_the_tokio_side_is_full "does not pass the backpressure on"

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
    thread::spawn(move || {
        // ANCHOR: forward
        while let Ok(item) = rx.recv() {
            match tx.try_send(item) {
                Ok(()) | Err(mpsc::error::TrySendError::Full(_)) => {}
                Err(mpsc::error::TrySendError::Closed(_)) => break,
            }
        }
        // ANCHOR_END: forward
    });
    async_rx
}
// ANCHOR_END: bridge
