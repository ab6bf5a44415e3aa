//! `worker_pool`: run many jobs, a few at a time: with threads, then with tasks.
//!
//! Book: "Worker pools" (in the Worker pools part). Test:
//! `cargo test --test worker_pool`.

use std::future::Future;
use std::panic;
use std::sync::{Arc, Mutex, mpsc};
use std::thread;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// Runs `f` on every item on `workers` threads, and returns the results in the
/// order of `items`.
///
/// At most `workers` jobs run at once. If a job panics, `worker_pool` panics
/// with that job's panic, once the other workers have stopped.
///
/// # Panics
///
/// If `workers` is 0, or if a job panics.
pub fn worker_pool<T, R, F>(items: Vec<T>, workers: usize, f: F) -> Vec<R>
where
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> R + Send + Sync + Clone + 'static,
{
    todo!("start `workers` threads that take numbered jobs from one std mpsc queue")
}

/// Runs `f` on every item, each job in a task of its own, at most
/// `concurrency` at once, and returns the results in the order of `items`.
///
/// Must be awaited inside a tokio runtime. If a job panics,
/// `async_worker_pool` panics with that job's panic.
///
/// # Panics
///
/// If `concurrency` is 0, or if a job panics.
pub async fn async_worker_pool<T, R, F, Fut>(items: Vec<T>, concurrency: usize, f: F) -> Vec<R>
where
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = R> + Send + 'static,
{
    todo!("spawn a task per job, but let only `concurrency` of them run at once")
}
