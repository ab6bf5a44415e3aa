//! Another right answer: a `TaskTracker` to wait for the jobs, an
//! `AbortHandle` per job, and each job's task files its own outcome. The
//! task wraps the job in `catch_unwind`, so a panic comes back as a value,
//! and files "completed" or "panicked" itself, under the lock, before its
//! future ends. A job that never files anything was aborted. `tracker.wait()`
//! returns only once every tracked future has been dropped, so by then every
//! outcome is filed; nothing lives in `shutdown`'s locals, so dropping it
//! loses nothing.
//! expect: pass

use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use futures::FutureExt;
use tokio::task::AbortHandle;
use tokio::time::{Instant, timeout_at};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// `submit` refused the job: shutdown has begun. The job was dropped without
/// being run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rejected;

impl fmt::Display for Rejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the supervisor is shutting down: job rejected")
    }
}

impl std::error::Error for Rejected {}

/// What became of the jobs: each accepted job's id is in exactly one list,
/// and each list is in increasing order.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    /// The jobs that ran to their end.
    pub completed: Vec<u32>,
    /// The jobs that panicked.
    pub panicked: Vec<u32>,
    /// The jobs that were still running at the end of the grace period, and
    /// were stopped.
    pub aborted: Vec<u32>,
}

/// Runs jobs, each in a task of its own, until it is shut down. A clone is
/// another handle to the same supervisor.
#[derive(Clone, Default)]
pub struct Supervisor {
    shared: Arc<Shared>,
}

#[derive(Default)]
struct Shared {
    state: Mutex<State>,
    tracker: TaskTracker,
    token: CancellationToken,
}

#[derive(Default)]
struct State {
    closed: bool,
    /// The jobs not yet reported, with a handle to abort each, and its
    /// outcome once its task has filed one.
    jobs: Vec<(u32, AbortHandle, Option<Outcome>)>,
}

#[derive(Clone, Copy)]
enum Outcome {
    Completed,
    Panicked,
}

impl Supervisor {
    /// A supervisor with no jobs, open for work.
    pub fn new() -> Self {
        Self::default()
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.shared.state.lock().unwrap()
    }

    /// Starts `job` at once in a task of its own, unless shutdown has begun:
    /// then the job is dropped unrun and `submit` returns `Err(Rejected)`.
    /// Must be called inside a tokio runtime.
    pub fn submit<F>(&self, id: u32, job: F) -> Result<(), Rejected>
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let mut state = self.state();
        if state.closed {
            return Err(Rejected);
        }
        // ANCHOR: spawn
        let shared = Arc::clone(&self.shared);
        let task = self.shared.tracker.spawn(async move {
            let outcome = match AssertUnwindSafe(job).catch_unwind().await {
                Ok(()) => Outcome::Completed,
                Err(_panic) => Outcome::Panicked,
            };
            // Filed before this future ends, so before `tracker.wait()` can
            // return. An aborted task never gets here.
            let mut state = shared.state.lock().unwrap();
            if let Some(job) = state.jobs.iter_mut().find(|job| job.0 == id) {
                job.2 = Some(outcome);
            }
        });
        // ANCHOR_END: spawn
        // The task cannot file its outcome before this entry exists: it
        // needs the lock, which `submit` holds.
        state.jobs.push((id, task.abort_handle(), None));
        Ok(())
    }

    /// A token that is cancelled when shutdown begins: a job that watches it
    /// can finish up before the grace period runs out. It is a child token,
    /// so a job that cancels its own cancels nothing else.
    pub fn token(&self) -> CancellationToken {
        self.shared.token.child_token()
    }

    /// Stops taking jobs, cancels the jobs' tokens, waits up to `grace` for
    /// the running jobs to end, aborts those still running then, and reports
    /// every job not reported yet. Cancel safe: dropped before it returns, it
    /// loses nothing, and the next call reports everything.
    pub async fn shutdown(&self, grace: Duration) -> Report {
        // ANCHOR: shutdown
        let deadline = Instant::now() + grace;
        self.state().closed = true;
        // `wait` returns once the tracker is closed AND empty.
        self.shared.tracker.close();
        self.shared.token.cancel();
        if timeout_at(deadline, self.shared.tracker.wait())
            .await
            .is_err()
        {
            for (_, task, _) in &self.state().jobs {
                task.abort();
            }
            self.shared.tracker.wait().await;
        }
        // Every job's future has been dropped: what did not file an
        // outcome was aborted.
        let mut report = Report::default();
        for (id, _, outcome) in std::mem::take(&mut self.state().jobs) {
            match outcome {
                Some(Outcome::Completed) => report.completed.push(id),
                Some(Outcome::Panicked) => report.panicked.push(id),
                None => report.aborted.push(id),
            }
        }
        // ANCHOR_END: shutdown
        report.completed.sort_unstable();
        report.panicked.sort_unstable();
        report.aborted.sort_unstable();
        report
    }
}
