//! Hidden suite for `worker_pool`: many jobs, a few at a time.
//!
//! Contract: `worker_pool(items, workers, f)` (threads and a std mpsc queue)
//! and `async_worker_pool(items, concurrency, f)` (a spawned tokio task per
//! job) return the results in input order; never more than `workers` /
//! `concurrency` jobs run at once, and the peak reaches that limit when there
//! are at least that many items; 10 jobs of 100 ms at a limit of 3 take
//! 400 ms; a limit of 0 panics with a message containing `must be at least 1`;
//! a panicking job makes the caller panic with that job's own panic.
//!
//! Concurrency is measured, not timed: jobs count themselves in and out, and
//! the first ones wait for each other at a rendezvous whose waits are bounded,
//! so a correct pool never waits and a wrong one cannot hang the test.

// The code under test, compiled into this suite: your `exercises/src/worker_pool.rs`,
// or the reference solution with `cargo test --features solutions`.
#[cfg_attr(not(feature = "solutions"), path = "../exercises/src/worker_pool.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/src/worker_pool.rs")]
mod worker_pool;

use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::Duration;

use futures::FutureExt;
use futures::future::BoxFuture;
use tokio::time::Instant;
use worker_pool::{async_worker_pool, worker_pool};

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// How long a job waits at a rendezvous for jobs that should be running at
/// the same time. A correct pool never waits this long.
const RENDEZVOUS: Duration = Duration::from_millis(500);

/// How long a test gives a wrong pool to start more jobs than it may.
const SHOW_TOO_MANY: Duration = Duration::from_millis(100);

/// Counts the jobs running at once, and holds them until the test opens it
/// (or [`RENDEZVOUS`] has passed).
#[derive(Debug, Default)]
struct Gate {
    state: Mutex<GateState>,
    changed: Condvar,
}

#[derive(Debug, Default)]
struct GateState {
    running: usize,
    peak: usize,
    open: bool,
}

impl Gate {
    /// A job's body: in, wait for the gate, out.
    fn pass(&self) {
        let mut state = self.state.lock().unwrap();
        state.running += 1;
        state.peak = state.peak.max(state.running);
        self.changed.notify_all();
        let (mut state, _) = self
            .changed
            .wait_timeout_while(state, RENDEZVOUS, |state| !state.open)
            .unwrap();
        state.running -= 1;
    }

    /// Waits until the peak reaches `target` (or `pool` has ended), at most
    /// `limit`; returns the peak.
    fn wait_for_peak(
        &self,
        target: usize,
        limit: Duration,
        pool: &thread::JoinHandle<Vec<u32>>,
    ) -> usize {
        let deadline = std::time::Instant::now() + limit;
        let mut state = self.state.lock().unwrap();
        while state.peak < target && !pool.is_finished() {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                break;
            }
            state = self.changed.wait_timeout(state, left.min(ms(5))).unwrap().0;
        }
        state.peak
    }

    fn open(&self) {
        self.state.lock().unwrap().open = true;
        self.changed.notify_all();
    }

    fn peak(&self) -> usize {
        self.state.lock().unwrap().peak
    }
}

/// Runs `worker_pool` on `0..items` with jobs that hold at the gate, checks
/// how many run at once, and returns the results and the peak.
fn run_gated(items: u32, workers: usize) -> (Vec<u32>, usize) {
    let gate = Arc::new(Gate::default());
    let job_gate = Arc::clone(&gate);
    let pool = thread::spawn(move || {
        worker_pool((0..items).collect(), workers, move |x| {
            job_gate.pass();
            x * 10
        })
    });
    let expected = workers.min(items as usize);
    let inside = gate.wait_for_peak(expected, RENDEZVOUS, &pool);
    // Give a pool that starts too many jobs a moment to show it. A correct
    // pool waits all of this; a wrong one shows itself in a millisecond.
    let most = gate.wait_for_peak(workers + 1, SHOW_TOO_MANY, &pool);
    gate.open();
    let results = support::watchdog(
        "worker_pool did not return after its jobs were let go. Does every worker stop \
         when the queue is empty (every job sender dropped), and does the caller stop \
         collecting when every worker is done (every result sender dropped)?",
        move || pool.join(),
    )
    .unwrap_or_else(|payload| panic::resume_unwind(payload));
    assert!(
        inside >= expected,
        "with {workers} workers and {items} jobs, {expected} jobs should run at the same \
         time, but only {inside} did. Are the jobs run on `workers` threads, all started \
         before the first job finishes? (Jobs that run one after another on a single \
         thread are not a pool.)"
    );
    assert!(
        most <= workers,
        "{most} jobs ran at the same time with only {workers} workers: the pool does \
         not bound its concurrency. Start `workers` threads that take jobs from one \
         queue, rather than a thread per job."
    );
    (results, gate.peak())
}

#[test]
fn worker_pool_runs_exactly_workers_jobs_at_once() {
    let (results, peak) = run_gated(12, 3);
    assert_eq!(
        results,
        (0..12).map(|x| x * 10).collect::<Vec<_>>(),
        "every job's result, in the order of the input"
    );
    assert_eq!(
        peak, 3,
        "with 3 workers and 12 jobs, at most 3 jobs (and at some point exactly 3) should \
         run at once; the most that ran at once was {peak}"
    );
}

#[test]
fn worker_pool_with_fewer_items_than_workers_runs_them_all_at_once() {
    let (results, peak) = run_gated(2, 5);
    assert_eq!(results, [0, 10], "both results, in order");
    assert_eq!(peak, 2, "both jobs should run at the same time");
}

#[test]
fn worker_pool_gives_each_job_to_the_next_free_worker() {
    // Job 0 is slow: it holds its worker until every other job is done (or
    // until a bounded wait is over), and notes which jobs were done
    // meanwhile. The others are instant. With one queue, the second worker
    // takes job after job while the first is busy with job 0.
    let done = Arc::new((Mutex::new(Vec::new()), Condvar::new()));
    let meanwhile = Arc::new(Mutex::new(None));
    let noted = Arc::clone(&meanwhile);
    support::watchdog(
        "worker_pool never returned (its slow job waits at most 0.5 s)",
        move || {
            worker_pool((0..8).collect(), 2, move |job: usize| {
                let (done, changed) = &*done;
                let mut done = done.lock().unwrap();
                if job == 0 {
                    let (done, _) = changed
                        .wait_timeout_while(done, RENDEZVOUS, |done| done.len() < 7)
                        .unwrap();
                    *noted.lock().unwrap() = Some(done.clone());
                } else {
                    done.push(job);
                    changed.notify_all();
                }
            })
        },
    );
    let mut meanwhile = meanwhile.lock().unwrap().clone().expect("job 0 was run");
    meanwhile.sort_unstable();
    assert_eq!(
        meanwhile,
        (1..8).collect::<Vec<_>>(),
        "8 jobs on 2 workers, job 0 slow and the others instant: while one worker was busy \
         with job 0, the other should have done all of jobs 1 to 7, but only {meanwhile:?} \
         were done. The rest waited though a worker was free: were the jobs shared out \
         between the workers in advance (a run each, or every n-th), or does a worker hold \
         the queue's lock while it runs its job? Put every job in one queue, and let each \
         worker take the next job whenever it is free."
    );
}

#[test]
fn worker_pool_returns_results_in_input_order_whatever_order_jobs_finish_in() {
    // Job i finishes only after job i + 1 has (or after a bounded wait), so
    // the jobs finish in reverse order: 3, 2, 1, 0.
    let finished = Arc::new((Mutex::new([false; 4]), Condvar::new()));
    let results = support::watchdog(
        "worker_pool never returned (the jobs of this test never block for long)",
        move || {
            worker_pool(vec![0_usize, 1, 2, 3], 4, move |i| {
                let (done, changed) = &*finished;
                let done_guard = done.lock().unwrap();
                let mut done_guard = if i + 1 < 4 {
                    changed
                        .wait_timeout_while(done_guard, RENDEZVOUS, |done| !done[i + 1])
                        .unwrap()
                        .0
                } else {
                    done_guard
                };
                done_guard[i] = true;
                changed.notify_all();
                format!("result {i}")
            })
        },
    );
    assert_eq!(
        results,
        ["result 0", "result 1", "result 2", "result 3"],
        "the jobs finished in the order 3, 2, 1, 0, but the results must come back in \
         the order of the input. Number each job, and put each result back in its place \
         (a `Vec<Option<R>>`, or sort by number at the end)."
    );
}

#[test]
fn worker_pool_of_nothing_is_empty() {
    let results = support::watchdog("worker_pool on an empty input never returned", || {
        worker_pool(Vec::<u32>::new(), 3, |x| x)
    });
    assert!(results.is_empty(), "no items, no results: {results:?}");
}

#[test]
#[should_panic(expected = "must be at least 1")]
fn worker_pool_with_zero_workers_panics_with_a_message() {
    // No worker would ever run a job: say so at the call instead of hanging.
    support::watchdog(
        "worker_pool with 0 workers hung: no thread will ever run the jobs. Check \
         `workers` first and panic with a message that says it must be at least 1.",
        || worker_pool(vec![1, 2, 3], 0, |x: u32| x),
    );
}

#[test]
fn a_panicking_job_makes_worker_pool_panic_with_that_jobs_message() {
    let outcome = support::watchdog(
        "a job panicked and worker_pool never returned: is the caller waiting for a \
         result that will never come? When every worker has ended (its result sender \
         dropped, even by a panic), the result channel ends too.",
        || {
            panic::catch_unwind(|| {
                worker_pool((0..8).collect(), 3, |x: u32| {
                    if x == 5 {
                        panic!("job 5 failed");
                    }
                    x
                })
            })
        },
    );
    let payload = support::unless_todo(outcome.expect_err(
        "job 5 panicked, yet worker_pool returned normally: a result is missing and \
         nobody knows. Join the worker threads and pass a panic on with \
         `std::panic::resume_unwind(payload)`.",
    ));
    let message = support::panic_message(payload.as_ref());
    assert!(
        message.contains("job 5 failed"),
        "worker_pool panicked with {message:?}, not with the job's own panic \
         (\"job 5 failed\"). `JoinHandle::join` returns the panic's payload: pass it on \
         with `std::panic::resume_unwind(payload)`."
    );
}

/// Jobs for the async pool: each sleeps for its item's number of virtual ms,
/// counting the jobs running at once.
#[derive(Debug, Default)]
struct Meter {
    running: AtomicUsize,
    peak: AtomicUsize,
}

impl Meter {
    fn job(self: &Arc<Self>) -> impl Fn(u64) -> BoxFuture<'static, u64> + use<> {
        let meter = Arc::clone(self);
        move |millis| {
            let meter = Arc::clone(&meter);
            async move {
                let now = meter.running.fetch_add(1, Ordering::SeqCst) + 1;
                meter.peak.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(ms(millis)).await;
                meter.running.fetch_sub(1, Ordering::SeqCst);
                millis
            }
            .boxed()
        }
    }

    fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }
}

/// Runs `async_worker_pool` on the paused clock and returns the results, the
/// virtual ms it took and the peak number of jobs at once.
fn run_timed(jobs: Vec<u64>, concurrency: usize) -> (Vec<u64>, u64, usize) {
    support::paused("async_worker_pool never returned", move || async move {
        let meter = Arc::new(Meter::default());
        let start = Instant::now();
        let results = async_worker_pool(jobs, concurrency, meter.job()).await;
        let took = start.elapsed().as_millis() as u64;
        let peak = meter.peak();
        (results, took, peak)
    })
}

#[test]
fn async_pool_of_ten_100ms_jobs_at_concurrency_3_takes_400ms() {
    let (results, took, peak) = run_timed(vec![100; 10], 3);
    assert_eq!(results, [100; 10], "ten results");
    assert_eq!(
        peak, 3,
        "at concurrency 3, exactly 3 jobs should run at once (at most 3, and 3 while \
         there are enough left); the most at once was {peak}. More means the limit is \
         not enforced; fewer means jobs wait for a slot that is free."
    );
    assert_eq!(
        took, 400,
        "ten jobs of 100 ms, three at a time, take four rounds: 400 ms of virtual time. \
         It took {took} ms. (A new job should start the moment a slot is free.)"
    );
}

#[test]
fn async_pool_at_concurrency_1_runs_one_job_at_a_time() {
    let (_, took, peak) = run_timed(vec![100; 10], 1);
    assert_eq!(
        peak, 1,
        "at concurrency 1, one job at a time; the most was {peak}"
    );
    assert_eq!(
        took, 1000,
        "ten jobs of 100 ms, one at a time, take 1000 ms; it took {took} ms"
    );
}

#[test]
fn async_pool_starts_each_job_as_soon_as_a_slot_is_free() {
    let jobs = vec![300, 10, 10, 10, 10, 10];
    let (results, took, peak) = run_timed(jobs.clone(), 2);
    assert_eq!(results, jobs, "every result, in the order of the input");
    assert_eq!(peak, 2, "two jobs at once, at concurrency 2");
    assert_eq!(
        took, 300,
        "jobs of {jobs:?} ms at concurrency 2 should take 300 ms of virtual time: while \
         the 300 ms job holds one slot, the other slot runs the five short jobs one after \
         another. It took {took} ms: some short jobs waited behind the long one though a \
         slot was free. Were the jobs shared out between the tasks in advance (a run of \
         them each, or every n-th), or held back until the results before them were in \
         (`buffered` counts a finished job as running until every job before it has \
         finished)? Start each job in a task of its own as soon as a slot is free (a \
         `Semaphore` permit per job)."
    );
}

#[test]
fn async_pool_returns_results_in_input_order_whatever_order_jobs_finish_in() {
    let jobs = vec![50, 40, 30, 20, 10];
    let (results, took, _) = run_timed(jobs.clone(), 5);
    assert_eq!(
        results, jobs,
        "the jobs finished in reverse order, but the results must come back in the \
         order of the input. Number each job, and put each result back in its place."
    );
    assert_eq!(
        took, 50,
        "five jobs at once take as long as the longest: 50 ms"
    );
}

#[test]
fn async_pool_with_fewer_items_than_concurrency_runs_them_all_at_once() {
    let (results, took, peak) = run_timed(vec![100, 100], 5);
    assert_eq!(results, [100, 100]);
    assert_eq!(peak, 2, "both jobs should run at the same time");
    assert_eq!(took, 100, "two jobs at once take 100 ms; it took {took} ms");
}

#[test]
fn async_pool_of_nothing_is_empty() {
    let (results, took, _) = run_timed(Vec::new(), 3);
    assert!(results.is_empty(), "no items, no results: {results:?}");
    assert_eq!(took, 0, "and no time");
}

#[test]
#[should_panic(expected = "must be at least 1")]
fn async_pool_with_zero_concurrency_panics_with_a_message() {
    support::paused(
        "async_worker_pool with concurrency 0 hung: no job will ever get a slot. Check \
         `concurrency` first and panic with a message that says it must be at least 1.",
        || async_worker_pool(vec![1_u32, 2, 3], 0, |x| async move { x }),
    );
}

#[test]
fn a_panicking_job_makes_async_worker_pool_panic_with_that_jobs_message() {
    let outcome = support::paused(
        "a job panicked and async_worker_pool never returned: is it waiting for a result \
         that will never come?",
        || {
            AssertUnwindSafe(async_worker_pool(
                (0..8).collect(),
                3,
                |x: u32| async move {
                    tokio::time::sleep(ms(10)).await;
                    if x == 5 {
                        panic!("job 5 failed");
                    }
                    x
                },
            ))
            .catch_unwind()
        },
    );
    let payload = support::unless_todo(outcome.expect_err(
        "job 5 panicked, yet async_worker_pool returned normally. Awaiting a spawned \
         task gives `Err(JoinError)` when it panicked: pass the panic on with \
         `std::panic::resume_unwind(error.into_panic())`.",
    ));
    let message = support::panic_message(payload.as_ref());
    assert!(
        message.contains("job 5 failed"),
        "async_worker_pool panicked with {message:?}, not with the job's own panic \
         (\"job 5 failed\"). A `JoinError` carries the panic: \
         `std::panic::resume_unwind(error.into_panic())` re-raises it."
    );
}

#[test]
fn async_pool_runs_each_job_as_a_task_so_cpu_bound_jobs_run_in_parallel() {
    // Two jobs that keep their thread busy (here: blocked, waiting for each
    // other) can only both make progress if they run on two threads at once,
    // which a multi-thread runtime does only for separate tasks.
    let both_met = Arc::new((Mutex::new(0_usize), Condvar::new()));
    let met = support::multi_thread(
        "async_worker_pool never returned (its jobs wait for each other at most 0.5 s)",
        4,
        move || async move {
            async_worker_pool(vec![0, 1], 2, move |_| {
                let both_met = Arc::clone(&both_met);
                async move {
                    let (arrived, changed) = &*both_met;
                    let mut arrived = arrived.lock().unwrap();
                    *arrived += 1;
                    changed.notify_all();
                    let (arrived, _) = changed
                        .wait_timeout_while(arrived, RENDEZVOUS, |arrived| *arrived < 2)
                        .unwrap();
                    *arrived >= 2
                }
            })
            .await
        },
    );
    assert_eq!(
        met,
        [true, true],
        "two CPU-bound jobs at concurrency 2 on a runtime with 4 threads never ran at \
         the same time. Polling every job from one task (`join_all`, `buffered`) runs \
         them on one thread, and a job that keeps the thread busy holds up the rest. \
         Give each job a task of its own with `tokio::spawn` (or a `JoinSet`), so the \
         runtime's threads can run them in parallel."
    );
}
