//! Mistake: reports what it asked for, not what happened. It awaits the
//! jobs' `JoinHandle`s one after another, each with the deadline; when the
//! first one runs out of time, it aborts that one and every one after it,
//! and files them all as aborted, without looking at what their handles
//! say. A job further down the list that ended before the deadline (its
//! handle holds `Ok`) is reported aborted: `abort` on a task that has
//! already ended does nothing.
//! expect: fail the_report_says_what_happened_not_what_was_asked "not what you asked for"
//! expect: fail a_shutdown_that_is_dropped_loses_nothing "in its own locals"

use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::task::JoinHandle;
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
}

#[derive(Default)]
struct State {
    closed: bool,
    jobs: Vec<(u32, JoinHandle<()>)>,
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
        state.jobs.push((id, tokio::spawn(job)));
        Ok(())
    }

    /// A token that is cancelled when shutdown begins.
    pub fn token(&self) -> CancellationToken {
        self.shared.token.child_token()
    }

    /// Stops taking jobs, waits up to `grace`, aborts the rest, reports.
    pub async fn shutdown(&self, grace: Duration) -> Report {
        let deadline = Instant::now() + grace;
        let jobs = {
            let mut state = self.state();
            state.closed = true;
            std::mem::take(&mut state.jobs)
        };
        self.shared.token.cancel();
        let mut report = Report::default();
        let mut jobs = jobs.into_iter();
        // ANCHOR: join
        while let Some((id, mut job)) = jobs.next() {
            match timeout_at(deadline, &mut job).await {
                Ok(Ok(())) => report.completed.push(id),
                Ok(Err(error)) if error.is_panic() => report.panicked.push(id),
                Ok(Err(_)) => report.aborted.push(id),
                Err(_elapsed) => {
                    // Time is up: this job and every one after it are aborted.
                    for (id, job) in std::iter::once((id, job)).chain(jobs.by_ref()) {
                        job.abort();
                        let _ = job.await;
                        report.aborted.push(id);
                    }
                }
            }
        }
        // ANCHOR_END: join
        report.completed.sort_unstable();
        report.panicked.sort_unstable();
        report.aborted.sort_unstable();
        report
    }
}
