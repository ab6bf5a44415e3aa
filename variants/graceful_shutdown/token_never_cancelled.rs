//! Mistake: never cancels the token. Jobs that watch it never hear that
//! shutdown has begun, so they cannot finish up: they run until the grace
//! period ends and are aborted.
//! expect: fail the_token_tells_the_jobs_to_finish_up_when_shutdown_begins "cancelled when shutdown begins"
//! expect: pass a_shutdown_that_is_dropped_loses_nothing

use std::collections::HashMap;
use std::fmt;
use std::future::{Future, poll_fn};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Poll, ready};
use std::time::Duration;

use tokio::task::{Id, JoinError, JoinSet};
use tokio::time::{Instant, timeout_at};
use tokio_util::sync::CancellationToken;

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
    /// Cancelled when shutdown begins; each job's token is a child of it.
    token: CancellationToken,
}

#[derive(Default)]
struct State {
    /// Set by `shutdown`; `submit` refuses jobs from then on.
    closed: bool,
    /// The tasks of the jobs not yet reported.
    jobs: JoinSet<()>,
    /// Each task's job id.
    ids: HashMap<Id, u32>,
    /// The outcomes taken from `jobs`, not yet handed out by `shutdown`.
    report: Report,
}

impl State {
    /// Files one job's outcome, as its task's result says: `Ok` is a normal
    /// end, a `JoinError` is a panic or a cancellation.
    fn record(&mut self, result: Result<(Id, ()), JoinError>) {
        let (task, list) = match result {
            Ok((task, ())) => (task, &mut self.report.completed),
            Err(error) if error.is_panic() => (error.id(), &mut self.report.panicked),
            Err(error) => (error.id(), &mut self.report.aborted),
        };
        let id = self.ids.remove(&task).expect("every task has its job's id");
        list.push(id);
    }
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
        // Checked and spawned under one lock: `shutdown` sets `closed` under
        // the same lock, so no job slips in after it has looked.
        if state.closed {
            return Err(Rejected);
        }
        // Collect the jobs that have already ended, so that a supervisor
        // that runs for days does not keep every finished task around.
        while let Some(result) = state.jobs.try_join_next_with_id() {
            state.record(result);
        }
        let task = state.jobs.spawn(job);
        state.ids.insert(task.id(), id);
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
        let deadline = Instant::now() + grace;
        self.state().closed = true;
        if timeout_at(deadline, self.reap()).await.is_err() {
            // The last resort. `abort` only asks: each task stops at its
            // next `.await`, and may have ended already. `reap` waits until
            // every one has, and files what really happened to it.
            self.state().jobs.abort_all();
            self.reap().await;
        }
        let mut report = std::mem::take(&mut self.state().report);
        report.completed.sort_unstable();
        report.panicked.sort_unstable();
        report.aborted.sort_unstable();
        report
    }

    /// Waits until every job's task has ended, filing each outcome as it
    /// comes. An outcome leaves the `JoinSet` and enters the report within
    /// one poll, under one lock: this future can be dropped at any `.await`
    /// and no outcome is lost. (Awaiting `join_next` on a `JoinSet` taken out
    /// of the state would lose every job, were the future dropped.)
    async fn reap(&self) {
        poll_fn(|cx| {
            let mut state = self.state();
            while let Some(result) = ready!(state.jobs.poll_join_next_with_id(cx)) {
                state.record(result);
            }
            Poll::Ready(())
        })
        .await;
    }
}
