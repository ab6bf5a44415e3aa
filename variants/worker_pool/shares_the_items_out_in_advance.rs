//! Mistake: shares the items out between the workers in advance, a run of
//! them each, instead of one queue that every worker takes its next job from.
//! At most `workers` jobs run at once and the results come back in order; but
//! a worker whose share holds a slow job keeps the rest of its share waiting
//! while the other workers have nothing left to do.
//! expect: fail worker_pool_gives_each_job_to_the_next_free_worker "shared out"
//! expect: pass worker_pool_runs_exactly_workers_jobs_at_once

use std::future::Future;
use std::panic;
use std::sync::{Arc, Mutex, mpsc};
use std::thread;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

// ANCHOR: threads
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
    assert!(workers >= 1, "worker_pool: workers must be at least 1");
    let count = items.len();
    // ANCHOR: split
    // "Share the work out fairly": each worker gets its own run of items,
    // decided before any job has run. A worker whose jobs happen to be slow
    // keeps its share waiting while the other workers sit idle.
    let share = count.div_ceil(workers).max(1);
    let mut items = items.into_iter();
    let handles: Vec<_> = (0..workers.min(count))
        .map(|_| {
            let mine: Vec<T> = items.by_ref().take(share).collect();
            let f = f.clone();
            thread::spawn(move || mine.into_iter().map(f).collect::<Vec<R>>())
        })
        .collect();
    // ANCHOR_END: split
    let mut results = Vec::with_capacity(count);
    let mut panicked = None;
    for handle in handles {
        match handle.join() {
            Ok(mine) => results.extend(mine),
            Err(payload) => panicked = panicked.or(Some(payload)),
        }
    }
    if let Some(payload) = panicked {
        panic::resume_unwind(payload);
    }
    results
}
// ANCHOR_END: threads

// ANCHOR: tasks
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
    assert!(
        concurrency >= 1,
        "async_worker_pool: concurrency must be at least 1"
    );
    let count = items.len();
    let f = Arc::new(f);
    let slots = Arc::new(Semaphore::new(concurrency));
    let mut jobs = JoinSet::new();
    for (index, item) in items.into_iter().enumerate() {
        // Wait for a free slot before starting the next job. The permit goes
        // into the task and is given back when the task ends, even by a panic.
        let permit = Arc::clone(&slots)
            .acquire_owned()
            .await
            .expect("the semaphore is never closed");
        let f = Arc::clone(&f);
        jobs.spawn(async move {
            let result = f(item).await;
            drop(permit);
            (index, result)
        });
    }

    let mut results: Vec<Option<R>> = (0..count).map(|_| None).collect();
    while let Some(joined) = jobs.join_next().await {
        match joined {
            Ok((index, result)) => results[index] = Some(result),
            // Re-raise the job's own panic. Dropping `jobs` on the way out
            // aborts the jobs still running.
            Err(error) => match error.try_into_panic() {
                Ok(payload) => panic::resume_unwind(payload),
                Err(error) => panic!("async_worker_pool: a job did not finish: {error}"),
            },
        }
    }
    results
        .into_iter()
        .map(|result| result.expect("every job returned its result"))
        .collect()
}
// ANCHOR_END: tasks
