//! `graceful_shutdown`: a supervisor that runs jobs as tasks and, when asked
//! to stop, stops taking jobs, gives the running ones a grace period, aborts
//! the rest, and reports what became of every job.
//!
//! Book: "Graceful shutdown" (in the Shutdown chapter). Test: `cargo test --test graceful_shutdown`.
//!
//! The private fields below are one way to do it (a `JoinSet` in a state
//! shared by every clone); change them if you choose another.

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
        todo!("refuse once closed; otherwise spawn the job into the set and remember its id")
    }

    /// A token that is cancelled when shutdown begins: a job that watches it
    /// can finish up before the grace period runs out. It is a child token,
    /// so a job that cancels its own cancels nothing else.
    pub fn token(&self) -> CancellationToken {
        todo!("a token tied to the supervisor's")
    }

    /// Stops taking jobs, cancels the jobs' tokens, waits up to `grace` for
    /// the running jobs to end, aborts those still running then, and reports
    /// every job not reported yet. Cancel safe: dropped before it returns, it
    /// loses nothing, and the next call reports everything.
    pub async fn shutdown(&self, grace: Duration) -> Report {
        todo!("close, cancel, wait with a deadline, abort the rest, report what each task says")
    }
}
