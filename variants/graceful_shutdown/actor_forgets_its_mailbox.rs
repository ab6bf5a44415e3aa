//! Mistake: an actor that forgets the jobs still in its mailbox. `submit`
//! sends each job to a supervisor task over a channel, and that task spawns
//! it into its `JoinSet`. When the stop message comes, the actor leaves its
//! loop at once (stop first, `biased`): the jobs submitted just before
//! shutdown, still in the channel, are dropped with it, never run, never
//! reported. Drain the mailbox (close it, then take what is left) before
//! shutting down, or spawn in `submit` itself.
//! expect: fail jobs_submitted_just_before_shutdown_are_not_forgotten "submitted just before shutdown was called"

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinSet;
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

type Job = Pin<Box<dyn Future<Output = ()> + Send>>;
type Stop = (Duration, oneshot::Sender<Report>);

/// Runs jobs, each in a task of its own, until it is shut down. A clone is
/// another handle to the same supervisor.
#[derive(Clone)]
pub struct Supervisor {
    shared: Arc<Shared>,
}

struct Shared {
    closed: AtomicBool,
    mailbox: mpsc::UnboundedSender<(u32, Job)>,
    stop: Mutex<Option<oneshot::Sender<Stop>>>,
    token: CancellationToken,
}

impl Supervisor {
    /// A supervisor with no jobs, open for work: starts its actor task.
    pub fn new() -> Self {
        let (mailbox, jobs) = mpsc::unbounded_channel();
        let (stop, stopped) = oneshot::channel();
        tokio::spawn(actor(jobs, stopped));
        let shared = Shared {
            closed: AtomicBool::new(false),
            mailbox,
            stop: Mutex::new(Some(stop)),
            token: CancellationToken::new(),
        };
        Self {
            shared: Arc::new(shared),
        }
    }

    /// Sends `job` to the actor, unless shutdown has begun.
    pub fn submit<F>(&self, id: u32, job: F) -> Result<(), Rejected>
    where
        F: Future<Output = ()> + Send + 'static,
    {
        if self.shared.closed.load(Ordering::SeqCst) {
            return Err(Rejected);
        }
        self.shared
            .mailbox
            .send((id, Box::pin(job)))
            .map_err(|_| Rejected)
    }

    /// A token that is cancelled when shutdown begins.
    pub fn token(&self) -> CancellationToken {
        self.shared.token.child_token()
    }

    /// Tells the actor to stop, and waits for its report.
    pub async fn shutdown(&self, grace: Duration) -> Report {
        self.shared.closed.store(true, Ordering::SeqCst);
        self.shared.token.cancel();
        let (reply, report) = oneshot::channel();
        if let Some(stop) = self.shared.stop.lock().unwrap().take() {
            let _ = stop.send((grace, reply));
        }
        report.await.unwrap_or_default()
    }
}

async fn actor(
    mut mailbox: mpsc::UnboundedReceiver<(u32, Job)>,
    mut stop: oneshot::Receiver<Stop>,
) {
    let mut jobs = JoinSet::new();
    let mut ids = HashMap::new();
    let mut report = Report::default();
    // ANCHOR: actor
    let (grace, reply) = loop {
        tokio::select! {
            biased;
            Ok(stop) = &mut stop => break stop,
            Some((id, job)) = mailbox.recv() => {
                ids.insert(jobs.spawn(job).id(), id);
            }
            Some(result) = jobs.join_next_with_id() => record(&mut ids, &mut report, result),
        }
    };
    // ANCHOR_END: actor
    let deadline = Instant::now() + grace;
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
    report.completed.sort_unstable();
    report.panicked.sort_unstable();
    report.aborted.sort_unstable();
    let _ = reply.send(report);
}

fn record(
    ids: &mut HashMap<tokio::task::Id, u32>,
    report: &mut Report,
    result: Result<(tokio::task::Id, ()), tokio::task::JoinError>,
) {
    let (task, list) = match result {
        Ok((task, ())) => (task, &mut report.completed),
        Err(error) if error.is_panic() => (error.id(), &mut report.panicked),
        Err(error) => (error.id(), &mut report.aborted),
    };
    list.push(ids.remove(&task).expect("every task has its job's id"));
}
