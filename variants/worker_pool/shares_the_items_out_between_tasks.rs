//! Mistake: shares the items out between `concurrency` tasks in advance, a run
//! of them each, and each task runs its share one job after another. At most
//! `concurrency` jobs run at once, equal jobs take the expected time, and the
//! results come back in order; but a task whose share holds a slow job keeps
//! the rest of its share waiting while the other slots are free.
//! expect: fail async_pool_starts_each_job_as_soon_as_a_slot_is_free "shared out"
//! expect: pass async_pool_runs_each_job_as_a_task_so_cpu_bound_jobs_run_in_parallel

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

    // The work queue: every job, numbered so its result can go back in place.
    // A std receiver has one owner, so the workers share it behind a mutex.
    let (job_tx, job_rx) = mpsc::channel();
    for job in items.into_iter().enumerate() {
        job_tx.send(job).expect("the receiver is still here");
    }
    // With no sender left, `recv` fails once the queue is empty: that is how a
    // worker knows to stop.
    drop(job_tx);
    let job_rx = Arc::new(Mutex::new(job_rx));

    let (result_tx, result_rx) = mpsc::channel();
    let handles: Vec<_> = (0..workers.min(count))
        .map(|_| {
            let (job_rx, result_tx, f) = (Arc::clone(&job_rx), result_tx.clone(), f.clone());
            thread::spawn(move || {
                loop {
                    // The guard is dropped at the end of this statement: the
                    // lock is held while taking a job, not while running it.
                    let job = job_rx.lock().expect("no job runs under the lock").recv();
                    let Ok((index, item)) = job else { break };
                    // Only fails if the caller is gone, which it is not.
                    let _ = result_tx.send((index, f(item)));
                }
            })
        })
        .collect();
    // The workers hold the only senders now: the loop below ends when every
    // worker has ended, whether it finished its jobs or panicked.
    drop(result_tx);

    let mut results: Vec<Option<R>> = (0..count).map(|_| None).collect();
    for (index, result) in result_rx {
        results[index] = Some(result);
    }
    for handle in handles {
        if let Err(payload) = handle.join() {
            // Re-raise the job's own panic, message and all, in the caller.
            panic::resume_unwind(payload);
        }
    }
    results
        .into_iter()
        .map(|result| result.expect("every job sent its result"))
        .collect()
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
    // ANCHOR: split
    // "Share the work out fairly": one task per slot, each running its own
    // run of items one after another, decided before any job has run. A task
    // whose jobs happen to be slow keeps its share waiting while the other
    // slots sit idle.
    let share = count.div_ceil(concurrency).max(1);
    let mut items = items.into_iter();
    let mut shares = JoinSet::new();
    for index in 0..concurrency.min(count) {
        let mine: Vec<T> = items.by_ref().take(share).collect();
        let f = Arc::clone(&f);
        shares.spawn(async move {
            let mut results = Vec::with_capacity(mine.len());
            for item in mine {
                results.push(f(item).await);
            }
            (index, results)
        });
    }
    // ANCHOR_END: split
    let mut results: Vec<Vec<R>> = (0..concurrency.min(count)).map(|_| Vec::new()).collect();
    while let Some(joined) = shares.join_next().await {
        match joined {
            Ok((index, mine)) => results[index] = mine,
            Err(error) => match error.try_into_panic() {
                Ok(payload) => panic::resume_unwind(payload),
                Err(error) => panic!("async_worker_pool: a job did not finish: {error}"),
            },
        }
    }
    results.into_iter().flatten().collect()
}
// ANCHOR_END: tasks
