//! The Worker pools chapter, part 2: pools of tasks. What a task costs; why a
//! job that keeps its thread busy does not belong in a task, and what
//! `spawn_blocking` does about it; a `Semaphore` gating spawned tasks;
//! `buffered` and `buffer_unordered`, which run jobs concurrently inside one
//! task; and `JoinSet`: results as they come, panics as `JoinError`s, and
//! abort on drop.
//!
//! Time runs on tokio's paused clock, so every timestamp is exact and the
//! program takes no real time; the demonstrations that need real threads
//! wait at most a few milliseconds, or until something that happens at once.

use std::any::Any;
use std::hint::black_box;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use futures::{FutureExt, StreamExt, stream};
use tokio::runtime::Runtime;
use tokio::sync::Semaphore;
use tokio::task::{JoinHandle, JoinSet};
use tokio::time::{Instant, sleep};

const fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Whole milliseconds of virtual time since `start`.
fn ms_since(start: Instant) -> u64 {
    start.elapsed().as_millis() as u64
}

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
    fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }
}

// ANCHOR: task_cost
/// A job that waits 100 ms (for a reply, say), then answers.
async fn job(n: u64) -> u64 {
    sleep(ms(100)).await;
    n * 2
}

async fn ten_thousand_tasks_wait_together() {
    // The future is the whole task: a state machine that holds what lives
    // across its `.await` (here `n` and the timer). No stack of its own.
    assert!(std::mem::size_of_val(&job(1)) <= 256);

    let start = Instant::now();
    let tasks: Vec<JoinHandle<u64>> = (0..10_000).map(|n| tokio::spawn(job(n))).collect();
    let mut total = 0;
    for task in tasks {
        total += task.await.unwrap();
    }
    assert_eq!(total, 2 * (0..10_000).sum::<u64>());
    // They all waited at the same time, on one thread.
    assert_eq!(ms_since(start), 100);
}
// ANCHOR_END: task_cost

// ANCHOR: busy
/// Work that keeps the thread busy and never reaches an `.await`.
fn crunch() -> u64 {
    (0..100_000_u64).map(black_box).sum()
}

/// A task that counts for as long as it is given the thread: one tick per
/// poll, then it yields to the others.
async fn ticker(ticks: Arc<AtomicUsize>) {
    loop {
        ticks.fetch_add(1, Ordering::SeqCst);
        tokio::task::yield_now().await;
    }
}

async fn a_busy_task_stops_every_other_task() {
    let ticks = Arc::new(AtomicUsize::new(0));
    let ticking = tokio::spawn(ticker(Arc::clone(&ticks)));

    // On a task: while it crunches, nothing else on this thread runs.
    let counter = Arc::clone(&ticks);
    let on_a_task = tokio::spawn(async move {
        let before = counter.load(Ordering::SeqCst);
        crunch();
        counter.load(Ordering::SeqCst) - before
    });
    assert_eq!(on_a_task.await.unwrap(), 0, "the ticker never ran");

    // On the blocking pool: the crunching happens on another thread, and
    // the runtime's thread goes on running tasks. (This job crunches until
    // it has seen 100 ticks, or for at most a second.)
    let counter = Arc::clone(&ticks);
    let on_the_blocking_pool = tokio::task::spawn_blocking(move || {
        let before = counter.load(Ordering::SeqCst);
        let deadline = std::time::Instant::now() + Duration::from_secs(1);
        while counter.load(Ordering::SeqCst) - before < 100 && std::time::Instant::now() < deadline
        {
            crunch();
        }
        counter.load(Ordering::SeqCst) - before
    });
    assert!(on_the_blocking_pool.await.unwrap() >= 100, "the ticker ran");
    ticking.abort();
}
// ANCHOR_END: busy

/// A job that takes `n` ms, counted by `running`, and returns `n`.
async fn gauged(running: Arc<Gauge>, n: u64) -> u64 {
    running.enter();
    sleep(ms(n)).await;
    running.leave();
    n
}

// ANCHOR: semaphore
/// Runs a job per input in a task of its own, at most `limit` at once.
/// Returns the results in input order, and when (ms) the last job started.
async fn permit_before_spawn(
    inputs: Vec<u64>,
    limit: usize,
    running: Arc<Gauge>,
) -> (Vec<u64>, u64) {
    let start = Instant::now();
    let slots = Arc::new(Semaphore::new(limit));
    let mut tasks = Vec::new();
    for n in inputs {
        // Wait here for a free slot. The permit is owned (it holds an `Arc`
        // of the semaphore, not a borrow), so it can move into the task.
        let permit = Arc::clone(&slots).acquire_owned().await.unwrap();
        let running = Arc::clone(&running);
        tasks.push(tokio::spawn(async move {
            let result = gauged(running, n).await;
            drop(permit); // the slot is free again
            result
        }));
    }
    let last_started = ms_since(start);
    // Awaiting the handles one by one gives the results in input order.
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.unwrap());
    }
    (results, last_started)
}
// ANCHOR_END: semaphore

// ANCHOR: semaphore_inside
/// The same, but every task is spawned at once, and waits for its permit.
async fn permit_inside_task(
    inputs: Vec<u64>,
    limit: usize,
    running: Arc<Gauge>,
) -> (Vec<u64>, u64) {
    let start = Instant::now();
    let slots = Arc::new(Semaphore::new(limit));
    let mut tasks = Vec::new();
    for n in inputs {
        let (slots, running) = (Arc::clone(&slots), Arc::clone(&running));
        tasks.push(tokio::spawn(async move {
            // A borrowing permit will do: `slots` lives in this task.
            let _permit = slots.acquire().await.unwrap();
            gauged(running, n).await
        }));
    }
    let last_spawned = ms_since(start);
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.unwrap());
    }
    (results, last_spawned)
}
// ANCHOR_END: semaphore_inside

// ANCHOR: semaphore_demo
async fn a_semaphore_bounds_the_jobs_running() {
    let jobs = vec![10; 8];
    for inside in [false, true] {
        let start = Instant::now();
        let running = Arc::new(Gauge::default());
        let (results, loop_done) = if inside {
            permit_inside_task(jobs.clone(), 3, Arc::clone(&running)).await
        } else {
            permit_before_spawn(jobs.clone(), 3, Arc::clone(&running)).await
        };
        assert_eq!(results, [10; 8]);
        // Either way: three at a time, and eight jobs of 10 ms take 30 ms.
        assert_eq!(running.peak(), 3);
        assert_eq!(ms_since(start), 30);
        // Before the spawn, the loop waits for slots: it spawned the last
        // two jobs at 20 ms. Inside, it spawned all eight at once.
        assert_eq!(loop_done, if inside { 0 } else { 20 });
    }
}
// ANCHOR_END: semaphore_demo

// ANCHOR: buffered
/// A job that takes `n` ms and returns `n`.
async fn takes(n: u64) -> u64 {
    sleep(ms(n)).await;
    n
}

async fn in_order_or_as_they_finish() {
    // At most two jobs at once. Each result comes with the time it arrived.
    let start = Instant::now();
    let in_order: Vec<(u64, u64)> = stream::iter([30, 10, 25])
        .map(takes)
        .buffered(2)
        .map(|n| (n, ms_since(start)))
        .collect()
        .await;
    // 10 is done at 10 ms but waits for 30, and keeps its slot meanwhile:
    // 25 starts only at 30 ms.
    assert_eq!(in_order, [(30, 30), (10, 30), (25, 55)]);

    let start = Instant::now();
    let as_they_finish: Vec<(u64, u64)> = stream::iter([30, 10, 25])
        .map(takes)
        .buffer_unordered(2)
        .map(|n| (n, ms_since(start)))
        .collect()
        .await;
    // 10 comes out at once, and 25 takes its slot at 10 ms.
    assert_eq!(as_they_finish, [(10, 10), (30, 30), (25, 35)]);
}
// ANCHOR_END: buffered

/// Jobs that wait for each other. Each one arrives, then blocks its thread
/// until `count` jobs have arrived, or until `patience` has passed.
struct Meeting {
    arrived: Mutex<usize>,
    changed: Condvar,
    count: usize,
    patience: Duration,
}

impl Meeting {
    fn new(count: usize, patience: Duration) -> Arc<Meeting> {
        let (arrived, changed) = (Mutex::new(0), Condvar::new());
        Arc::new(Meeting {
            arrived,
            changed,
            count,
            patience,
        })
    }

    /// Returns whether the others came in time.
    fn attend(&self) -> bool {
        let mut arrived = self.arrived.lock().unwrap();
        *arrived += 1;
        self.changed.notify_all();
        let (arrived, _) = self
            .changed
            .wait_timeout_while(arrived, self.patience, |arrived| *arrived < self.count)
            .unwrap();
        *arrived >= self.count
    }
}

// ANCHOR: one_task
/// Stands for a job that keeps its thread busy: it holds on to the thread
/// until the other job is busy too (or its patience runs out).
async fn busy_job(meeting: Arc<Meeting>) -> bool {
    meeting.attend()
}

fn buffered_jobs_share_one_thread(runtime: &Runtime) {
    let meeting = Meeting::new(2, ms(5));
    let jobs = stream::iter(0..2).map(|_| busy_job(Arc::clone(&meeting)));
    let met: Vec<bool> = runtime.block_on(jobs.buffered(2).collect());
    // The first job gave up waiting before the second could start.
    assert_eq!(met, [false, true]);
}

fn spawned_jobs_run_in_parallel(runtime: &Runtime) {
    let meeting = Meeting::new(2, Duration::from_secs(1));
    let met = runtime.block_on(async {
        let mut set = JoinSet::new();
        for _ in 0..2 {
            set.spawn(busy_job(Arc::clone(&meeting)));
        }
        set.join_all().await
    });
    // Two tasks, two of the runtime's threads: they met.
    assert_eq!(met, [true, true]);
}
// ANCHOR_END: one_task

// ANCHOR: joinset
async fn join_next_hands_back_results_as_they_come() {
    let start = Instant::now();
    let mut set = JoinSet::new();
    for n in [30, 10, 20] {
        set.spawn(takes(n));
    }
    let mut arrivals = Vec::new();
    while let Some(joined) = set.join_next().await {
        let n = joined.expect("no task panicked or was aborted");
        arrivals.push((n, ms_since(start)));
    }
    assert_eq!(arrivals, [(10, 10), (20, 20), (30, 30)]);
}
// ANCHOR_END: joinset

// ANCHOR: joinset_panic
async fn a_panic_comes_back_as_a_join_error() {
    let mut set = JoinSet::new();
    set.spawn(async { panic!("job failed") });
    set.spawn(takes(10));

    // The panic ended its task, not the program, and not the other task.
    let error = set.join_next().await.unwrap().unwrap_err();
    assert!(error.is_panic());
    assert_eq!(set.join_next().await.unwrap().unwrap(), 10);

    // The payload is the job's own: pass it on with `resume_unwind`, and
    // the caller panics with the job's message.
    let payload = error.into_panic();
    let rethrown = panic::catch_unwind(AssertUnwindSafe(|| panic::resume_unwind(payload)));
    assert_eq!(panic_message(rethrown.unwrap_err().as_ref()), "job failed");

    // `join_all` does exactly that.
    let mut set = JoinSet::new();
    set.spawn(async { panic!("job failed") });
    let outcome = AssertUnwindSafe(set.join_all()).catch_unwind().await;
    assert_eq!(panic_message(outcome.unwrap_err().as_ref()), "job failed");
}
// ANCHOR_END: joinset_panic

// ANCHOR: abort_on_drop
async fn dropping_a_join_set_aborts_its_tasks() {
    let done = Arc::new(AtomicUsize::new(0));
    let job = |done: Arc<AtomicUsize>| async move {
        sleep(ms(50)).await;
        done.fetch_add(1, Ordering::SeqCst);
    };
    let mut set = JoinSet::new();
    set.spawn(job(Arc::clone(&done)));
    let handle = tokio::spawn(job(Arc::clone(&done)));

    sleep(ms(10)).await;
    drop(set); // aborts its task
    drop(handle); // only lets go: the task runs on, detached
    sleep(ms(100)).await;
    assert_eq!(
        done.load(Ordering::SeqCst),
        1,
        "only the detached task finished"
    );
}
// ANCHOR_END: abort_on_drop

// ANCHOR: joinset_limit
/// At most `limit` jobs at once, without a semaphore: when `limit` are
/// running, wait for one to finish before spawning the next. The results
/// come in the order the jobs finish.
async fn at_most(limit: usize, inputs: Vec<u64>, running: Arc<Gauge>) -> Vec<u64> {
    let mut set = JoinSet::new();
    let mut results = Vec::new();
    for n in inputs {
        if set.len() == limit {
            let joined = set.join_next().await.expect("the set is full");
            results.push(joined.unwrap());
        }
        set.spawn(gauged(Arc::clone(&running), n));
    }
    while let Some(joined) = set.join_next().await {
        results.push(joined.unwrap());
    }
    results
}

async fn a_join_set_can_be_its_own_limit() {
    let start = Instant::now();
    let running = Arc::new(Gauge::default());
    let results = at_most(2, vec![30, 10, 25, 10], Arc::clone(&running)).await;
    assert_eq!(results, [10, 30, 25, 10]);
    assert_eq!(running.peak(), 2);
    assert_eq!(ms_since(start), 40);
}
// ANCHOR_END: joinset_limit

fn panic_message(payload: &(dyn Any + Send)) -> &str {
    if let Some(message) = payload.downcast_ref::<&str>() {
        message
    } else if let Some(message) = payload.downcast_ref::<String>() {
        message
    } else {
        "(not a string)"
    }
}

/// Keeps the panics this program causes on purpose off the terminal. Any
/// other panic (a failed assertion) is reported as usual.
fn quiet_expected_panics() {
    let report = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        let message = panic_message(info.payload());
        if message != "job failed" {
            report(info);
        }
    }));
}

fn paused_runtime() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap()
}

fn main() {
    quiet_expected_panics();
    paused_runtime().block_on(async {
        ten_thousand_tasks_wait_together().await;
        a_semaphore_bounds_the_jobs_running().await;
        in_order_or_as_they_finish().await;
        join_next_hands_back_results_as_they_come().await;
        dropping_a_join_set_aborts_its_tasks().await;
        a_join_set_can_be_its_own_limit().await;
    });
    paused_runtime().block_on(a_panic_comes_back_as_a_join_error());

    // Real threads, real clock.
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(a_busy_task_stops_every_other_task());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .build()
        .unwrap();
    buffered_jobs_share_one_thread(&runtime);
    spawned_jobs_run_in_parallel(&runtime);
}
