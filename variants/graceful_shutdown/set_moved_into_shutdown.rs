//! Mistake: `shutdown` takes the `JoinSet` (and the ids) out of the shared
//! state and works on them in its own locals: the usual `join_next` loop,
//! with a deadline. Undisturbed it is right. But a caller that gives up on
//! waiting (a `timeout` around it, a `select!` on a second Ctrl-C) drops the
//! `shutdown` future, and the `JoinSet` with it: every job still running is
//! aborted, and no report ever mentions them. `shutdown` must be cancel
//! safe: the jobs, and their outcomes, stay in the supervisor.
//! expect: fail a_shutdown_that_is_dropped_loses_nothing "go on running"
//! expect: fail dropped_at_any_poll_shutdown_leaves_no_job_running_and_none_unreported "A job lost with a dropped `shutdown`"

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};
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

/// Files one job's outcome, as its task's result says.
fn record(ids: &mut HashMap<Id, u32>, report: &mut Report, result: Result<(Id, ()), JoinError>) {
    let (task, list) = match result {
        Ok((task, ())) => (task, &mut report.completed),
        Err(error) if error.is_panic() => (error.id(), &mut report.panicked),
        Err(error) => (error.id(), &mut report.aborted),
    };
    let id = ids.remove(&task).expect("every task has its job's id");
    list.push(id);
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
        let state = &mut *state;
        while let Some(result) = state.jobs.try_join_next_with_id() {
            record(&mut state.ids, &mut state.report, result);
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
        // ANCHOR: shutdown
        let deadline = Instant::now() + grace;
        // Take everything out, and work on it here.
        let (mut jobs, mut ids, mut report) = {
            let mut state = self.state();
            state.closed = true;
            let state = &mut *state;
            (
                std::mem::take(&mut state.jobs),
                std::mem::take(&mut state.ids),
                std::mem::take(&mut state.report),
            )
        };
        self.shared.token.cancel();
        loop {
            match timeout_at(deadline, jobs.join_next_with_id()).await {
                Ok(Some(result)) => record(&mut ids, &mut report, result),
                Ok(None) => break,
                Err(_elapsed) => {
                    jobs.abort_all();
                    while let Some(result) = jobs.join_next_with_id().await {
                        record(&mut ids, &mut report, result);
                    }
                    break;
                }
            }
        }
        // ANCHOR_END: shutdown
        report.completed.sort_unstable();
        report.panicked.sort_unstable();
        report.aborted.sort_unstable();
        report
    }
}
