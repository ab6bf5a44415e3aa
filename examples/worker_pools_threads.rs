//! The Worker pools chapter, part 1: a pool of threads. A fixed number of
//! workers take jobs from one `std::sync::mpsc` queue, shared behind
//! `Arc<Mutex<_>>`; how long a lock guard lives in `let` and in `while let`,
//! and what the `while let` version does to the pool: one job at a time, and
//! one panic takes every worker down. Then the same pool runs futures: a
//! runtime in miniature, where a waiting task takes up no worker.
//!
//! Concurrency is measured, never left to timing luck: jobs count themselves
//! in and out, and the first ones wait for each other at a meeting whose
//! waits are bounded, so a broken pool cannot hang the program.

use std::any::Any;
use std::panic;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, mpsc};
use std::task::{Context, Wake, Waker};
use std::thread;
use std::time::Duration;

// ANCHOR: pool
/// A job: any closure that can be sent to another thread and run once.
type Job = Box<dyn FnOnce() + Send + 'static>;

/// The receiving end of the work queue. A std `Receiver` has one owner and
/// is not `Sync`, so the workers share it behind a mutex.
type Queue = Mutex<mpsc::Receiver<Job>>;

/// `size` threads that run the jobs sent to the pool, in the order they
/// were sent, each job on whichever worker is free first.
struct ThreadPool {
    queue: mpsc::Sender<Job>,
    workers: Vec<thread::JoinHandle<()>>,
}

impl ThreadPool {
    /// Starts `size` threads, each running `worker` on the shared queue.
    fn new(size: usize, worker: fn(&Queue)) -> ThreadPool {
        assert!(size >= 1, "a pool needs at least one worker");
        let (queue, jobs) = mpsc::channel::<Job>();
        let jobs = Arc::new(Mutex::new(jobs));
        let workers = (0..size)
            .map(|_| {
                let jobs = Arc::clone(&jobs);
                thread::spawn(move || worker(&jobs))
            })
            .collect();
        ThreadPool { queue, workers }
    }

    /// Queues a job. It never waits: the queue is unbounded.
    fn execute(&self, job: impl FnOnce() + Send + 'static) {
        self.queue
            .send(Box::new(job))
            .expect("a worker is alive to take it");
    }

    /// Closes the queue, lets the workers run what is left in it, and waits
    /// for them. Returns the panics of the workers that died.
    fn finish(self) -> Vec<Box<dyn Any + Send>> {
        let ThreadPool { queue, workers } = self;
        drop(queue); // once the queue is empty, `recv` fails: time to stop
        workers
            .into_iter()
            .filter_map(|worker| worker.join().err())
            .collect()
    }
}

/// The loop each worker runs.
fn worker_loop(jobs: &Queue) {
    loop {
        // The guard is a temporary of this `let` statement: the lock is
        // released at the `;`, before the job runs.
        let next = jobs.lock().unwrap().recv();
        match next {
            Ok(job) => job(),
            Err(mpsc::RecvError) => return, // closed and empty: we are done
        }
    }
}
// ANCHOR_END: pool

/// Jobs that wait for each other. Each one arrives, then waits until
/// `count` jobs have arrived, or until `patience` has passed.
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

/// A correct pool never makes a job wait this long for the others.
const PATIENCE: Duration = Duration::from_secs(1);

// ANCHOR: pool_demo
fn three_workers_run_three_jobs_at_once() {
    let pool = ThreadPool::new(3, worker_loop);
    let running = Arc::new(Gauge::default());
    // The first three jobs wait for each other: they can meet only if
    // three of them run at the same time.
    let meeting = Meeting::new(3, PATIENCE);
    let (results, collected) = mpsc::channel();
    for n in 0..9_u64 {
        let (running, meeting, results) =
            (Arc::clone(&running), Arc::clone(&meeting), results.clone());
        pool.execute(move || {
            running.enter();
            let met = meeting.attend();
            running.leave();
            results.send((n, met)).unwrap();
        });
    }
    drop(results);
    assert!(pool.finish().is_empty(), "no worker died");

    // Three jobs at once, never four: the other jobs waited in the queue.
    assert_eq!(running.peak(), 3);
    // The results arrive in the order the jobs finish; sort them to compare.
    let mut results: Vec<(u64, bool)> = collected.iter().collect();
    results.sort();
    assert!(results.iter().all(|&(_, met)| met));
    assert_eq!(results.len(), 9);
}
// ANCHOR_END: pool_demo

// ANCHOR: guard_scope
fn how_long_the_guard_lives() {
    let (tx, rx) = mpsc::channel();
    for n in 0..3 {
        tx.send(n).unwrap();
    }
    drop(tx);
    let queue = Mutex::new(rx);

    // `let`: the guard is dropped at the end of the statement.
    let first = queue.lock().unwrap().recv();
    assert_eq!(first, Ok(0));
    assert!(queue.try_lock().is_ok(), "free while we work on `first`");

    // `match`: the guard lives until the end of the whole `match`.
    match queue.lock().unwrap().recv() {
        Ok(second) => {
            assert_eq!(second, 1);
            assert!(
                queue.try_lock().is_err(),
                "locked while we work on `second`"
            );
        }
        Err(_) => unreachable!(),
    }

    // `while let`: the guard lives until the end of each pass of the body.
    while let Ok(third) = queue.lock().unwrap().recv() {
        assert_eq!(third, 2);
        assert!(queue.try_lock().is_err(), "locked while we work on `third`");
    }
}
// ANCHOR_END: guard_scope

// ANCHOR: trap
/// BUG: reads well, but the guard lives through `job()`: while one worker
/// runs a job, every other worker waits for the lock.
fn worker_loop_holding_the_lock(jobs: &Queue) {
    while let Ok(job) = jobs.lock().unwrap().recv() {
        job();
    }
}
// ANCHOR_END: trap

/// Keeps the panics this program causes on purpose off the terminal. Any
/// other panic (a failed assertion) is reported as usual.
fn quiet_expected_panics() {
    let report = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        let message = panic_message(info.payload());
        if message != "job failed" && !message.contains("PoisonError") {
            report(info);
        }
    }));
}

fn panic_message(payload: &(dyn Any + Send)) -> &str {
    if let Some(message) = payload.downcast_ref::<&str>() {
        message
    } else if let Some(message) = payload.downcast_ref::<String>() {
        message
    } else {
        "(not a string)"
    }
}

// ANCHOR: trap_demo
fn the_trap_runs_one_job_at_a_time() {
    for (worker, patience, expected_peak) in [
        (
            worker_loop_holding_the_lock as fn(&Queue),
            Duration::from_millis(5),
            1,
        ),
        (worker_loop, PATIENCE, 4),
    ] {
        let pool = ThreadPool::new(4, worker);
        let running = Arc::new(Gauge::default());
        // Four jobs that wait for each other, each for `patience` at most.
        let meeting = Meeting::new(4, patience);
        for _ in 0..4 {
            let (running, meeting) = (Arc::clone(&running), Arc::clone(&meeting));
            pool.execute(move || {
                running.enter();
                meeting.attend();
                running.leave();
            });
        }
        assert!(pool.finish().is_empty());
        // With the trap, each job gave up waiting before the next could start.
        assert_eq!(running.peak(), expected_peak);
    }
}

fn with_the_trap_one_panic_takes_every_worker_down() {
    for (worker, workers_lost) in [
        (worker_loop_holding_the_lock as fn(&Queue), 3),
        (worker_loop, 1),
    ] {
        let pool = ThreadPool::new(3, worker);
        pool.execute(|| panic!("job failed"));
        let panics = pool.finish();
        assert_eq!(panics.len(), workers_lost);
        // The job's own panic is one of them. With the trap, the other
        // workers died of the poisoned lock: the guard was alive when the
        // job panicked, and `lock().unwrap()` then panics in every worker.
        let messages: Vec<&str> = panics.iter().map(|p| panic_message(p.as_ref())).collect();
        assert!(messages.contains(&"job failed"));
    }
}
// ANCHOR_END: trap_demo

// ANCHOR: runtime
/// A future on its way through the pool. Each poll is a job; a wake-up
/// sends the next one.
struct Task {
    future: Mutex<Option<Pin<Box<dyn Future<Output = ()> + Send>>>>,
    /// `None` once the future is done: the task no longer keeps the queue
    /// open, and a late wake-up has nothing to do.
    queue: Mutex<Option<mpsc::Sender<Job>>>,
}

impl Wake for Task {
    fn wake(self: Arc<Self>) {
        let queue = self.queue.lock().unwrap().clone();
        if let Some(queue) = queue {
            // "Poll me again" becomes a job at the back of the queue.
            let _ = queue.send(Box::new(move || self.run()));
        }
    }
}

impl Task {
    /// The job: one poll, with a waker that is this task.
    fn run(self: Arc<Self>) {
        let mut future = self.future.lock().unwrap();
        let Some(running) = future.as_mut() else {
            return; // already done
        };
        let waker = Waker::from(Arc::clone(&self));
        if running
            .as_mut()
            .poll(&mut Context::from_waker(&waker))
            .is_ready()
        {
            *future = None;
            self.queue.lock().unwrap().take();
        }
    }
}

impl ThreadPool {
    /// Runs `future` on the pool: a first poll now, another at each wake-up.
    fn spawn(&self, future: impl Future<Output = ()> + Send + 'static) {
        let task = Arc::new(Task {
            future: Mutex::new(Some(Box::pin(future))),
            queue: Mutex::new(Some(self.queue.clone())),
        });
        task.wake();
    }
}
// ANCHOR_END: runtime

// ANCHOR: runtime_demo
fn waiting_tasks_take_up_no_worker() {
    let pool = ThreadPool::new(2, worker_loop);
    let (results, collected) = mpsc::channel();
    let mut replies = Vec::new();
    // Three tasks on two workers, each waiting for a reply.
    for n in 0..3_u64 {
        let (reply, waiting) = tokio::sync::oneshot::channel::<u64>();
        replies.push(reply);
        let results = results.clone();
        pool.spawn(async move {
            let x = waiting.await.unwrap();
            results.send(n * x).unwrap();
        });
    }
    // While they wait, the workers are free: a plain job gets through.
    let plain = results.clone();
    pool.execute(move || plain.send(100).unwrap());
    let patience = Duration::from_secs(1);
    assert_eq!(collected.recv_timeout(patience), Ok(100));

    // Each reply wakes its task, which sends itself back to the queue.
    for reply in replies {
        reply.send(10).unwrap();
    }
    let mut done: Vec<u64> = (0..3)
        .map(|_| collected.recv_timeout(patience).unwrap())
        .collect();
    done.sort();
    assert_eq!(done, [0, 10, 20]);
    assert!(pool.finish().is_empty());
}
// ANCHOR_END: runtime_demo

fn main() {
    quiet_expected_panics();
    how_long_the_guard_lives();
    three_workers_run_three_jobs_at_once();
    the_trap_runs_one_job_at_a_time();
    with_the_trap_one_panic_takes_every_worker_down();
    waiting_tasks_take_up_no_worker();
}
