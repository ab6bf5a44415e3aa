//! Mistake: spawns each job with `tokio::spawn` and forgets its handle:
//! each task crosses itself off a list when its job ends, and `shutdown`
//! waits (with the deadline) for the list to empty. When the grace period
//! runs out, it has nothing to abort with: it calls what is left "aborted",
//! and those jobs run on after the shutdown, unwatched.
//! expect: fail jobs_still_running_when_the_grace_period_ends_are_aborted_then "its task was still there"
//! expect: fail dropped_at_any_poll_shutdown_leaves_no_job_running_and_none_unreported "every job must be gone once that second call returns"

use std::collections::BTreeSet;
use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::Notify;
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
    token: CancellationToken,
    ended: Notify,
}

#[derive(Default)]
struct State {
    closed: bool,
    running: BTreeSet<u32>,
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
        let mut state = self.state();
        if state.closed {
            return Err(Rejected);
        }
        state.running.insert(id);
        // ANCHOR: spawn
        let shared = Arc::clone(&self.shared);
        tokio::spawn(async move {
            job.await;
            let mut state = shared.state.lock().unwrap();
            state.running.remove(&id);
            state.report.completed.push(id);
            shared.ended.notify_waiters();
        });
        // ANCHOR_END: spawn
        Ok(())
    }

    /// A token that is cancelled when shutdown begins.
    pub fn token(&self) -> CancellationToken {
        self.shared.token.child_token()
    }

    /// Stops taking jobs, waits up to `grace`, reports.
    pub async fn shutdown(&self, grace: Duration) -> Report {
        let deadline = Instant::now() + grace;
        self.state().closed = true;
        self.shared.token.cancel();
        let all_ended = async {
            loop {
                let ended = self.shared.ended.notified();
                if self.state().running.is_empty() {
                    break;
                }
                ended.await;
            }
        };
        if timeout_at(deadline, all_ended).await.is_err() {
            // ANCHOR: give_up
            // Nothing to abort them with: call them aborted.
            let mut state = self.state();
            let left = std::mem::take(&mut state.running);
            state.report.aborted.extend(left);
            // ANCHOR_END: give_up
        }
        let mut report = std::mem::take(&mut self.state().report);
        report.completed.sort_unstable();
        report.aborted.sort_unstable();
        report
    }
}
