//! `std_vs_tokio`: the same fan-in with threads and with tasks, and a bridge
//! from a std channel into async code.
//!
//! Book: "std vs tokio channels" (in the part of the same name). Test:
//! `cargo test --test std_vs_tokio`.

use std::sync::mpsc as std_mpsc;
use std::thread;

use tokio::sync::mpsc;

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
    todo!("one `sync_channel(capacity)`, and a thread per producer with a clone of its sender")
}

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
    todo!("the same fan-in, with `tokio::spawn` and `send(item).await`")
}

/// Forwards every item of a std receiver into a tokio channel of `capacity`,
/// in order, and returns the tokio receiver, which ends when the std channel
/// has ended.
///
/// No runtime thread may ever wait on the std receiver: its `recv` blocks
/// the thread it runs on.
pub fn bridge<T: Send + 'static>(rx: std_mpsc::Receiver<T>, capacity: usize) -> mpsc::Receiver<T> {
    todo!("receive from `rx` somewhere a blocked thread harms nobody, and pass each item on")
}
