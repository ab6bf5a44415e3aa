//! Hidden suite for `graceful_shutdown`: a supervisor that runs jobs as tasks
//! and stops on request: no new work, a grace period for the running jobs,
//! abort for the rest, and a report on every job.
//!
//! Contract: `Supervisor::new()`; `submit(&self, id, job)` starts the job at
//! once in a task of its own (jobs run concurrently, whether or not anyone
//! polls the supervisor) and returns `Ok(())`, unless shutdown has begun:
//! then it returns `Err(Rejected)` at once, and the job has been dropped
//! without being polled. `token(&self)` gives a child `CancellationToken`
//! that is cancelled when shutdown begins (cancelling it cancels nothing
//! else). `shutdown(&self, grace)` begins at its first poll, at t: from then
//! on every submission is refused and every job token is cancelled. A job
//! that ends before t + grace is reported `completed` (it returned) or
//! `panicked`; a job still running at t + grace is aborted then, and its
//! future has been dropped before `shutdown` returns; a job that ends at the
//! very instant t + grace may be in either list, but the report says what
//! really happened to it. `shutdown` returns as soon as every accepted job
//! has ended (at once when none is running), and at t + grace at the latest.
//! Its `Report` lists every accepted job that no earlier call reported,
//! jobs that ended before shutdown began included, each exactly once, in
//! `completed`, `panicked` or `aborted`, each list in increasing order. A
//! panicking job stops nothing else. `shutdown` is cancel safe: dropped
//! before it returns, it loses nothing; the supervisor stays closed, the
//! jobs still running go on, and the next call reports every job no earlier
//! call returned, with its own grace counted from its own start. Clones are
//! handles to the same supervisor.
//!
//! Everything runs on tokio's paused clock: every timestamp is exact virtual
//! time in milliseconds since the start of the test. Each job is made by the
//! suite, and records when it was first polled, when it ran to its end (or
//! panicked), and when its future was dropped: the drop of a job's future is
//! what tells that its task is really gone.

// The code under test, compiled into this suite: your `exercises/src/graceful_shutdown.rs`,
// or the reference solution with `cargo test --features solutions`.
#[cfg_attr(
    not(feature = "solutions"),
    path = "../exercises/src/graceful_shutdown.rs"
)]
#[cfg_attr(feature = "solutions", path = "../solutions/src/graceful_shutdown.rs")]
mod graceful_shutdown;

use std::collections::BTreeMap;
use std::future::{Future, poll_fn};
use std::pin::pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use graceful_shutdown::{Rejected, Report, Supervisor};
use support::Dropped;
use tokio::time::{Instant, sleep, sleep_until, timeout};
use tokio_util::sync::CancellationToken;

const NEVER_FINISHED: &str = "the test never finished (a `shutdown` that waits for a job that \
    never ends? At the end of the grace period, abort the jobs still running)";

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// Whole milliseconds of virtual time since `start`.
fn since(start: Instant) -> u64 {
    Instant::now().saturating_duration_since(start).as_millis() as u64
}

/// What a job does, in ms since the start of the test.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Behaviour {
    /// Sleeps until this instant, then returns.
    EndsAt(u64),
    /// Sleeps until this instant, then panics.
    PanicsAt(u64),
    /// Waits for its token from `Supervisor::token`, then finishes up for
    /// this long, and returns.
    FinishesUpAfter(u64),
    /// Never ends.
    Never,
}

/// What happened to one job, in ms since the start.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Fate {
    polled: bool,
    finished_at: Option<u64>,
    panicked_at: Option<u64>,
    dropped_at: Option<u64>,
}

/// Every job's fate, by id.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<BTreeMap<u32, Fate>>>);

impl Log {
    fn update(&self, id: u32, change: impl FnOnce(&mut Fate)) {
        // A job may panic on purpose while the lock is free; never poisoned
        // by us, but a learner's panic must not hide behind a poisoned lock.
        let mut fates = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        change(fates.entry(id).or_default());
    }

    fn snapshot(&self) -> BTreeMap<u32, Fate> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    fn fate(&self, id: u32) -> Fate {
        self.snapshot().get(&id).copied().unwrap_or_default()
    }
}

/// Lives in a job's future: its drop is the drop of the future.
struct Probe {
    id: u32,
    start: Instant,
    log: Log,
}

impl Drop for Probe {
    fn drop(&mut self) {
        let at = since(self.start);
        self.log.update(self.id, |fate| fate.dropped_at = Some(at));
    }
}

/// Job `id`, doing `behaviour`, recording its fate in `log`. Its probe exists
/// from now on, so that a job dropped unpolled is seen too. One function for
/// every job of the suite: one future type, one instance of the task machinery.
fn job(
    id: u32,
    behaviour: Behaviour,
    start: Instant,
    log: &Log,
    token: Option<CancellationToken>,
) -> impl Future<Output = ()> + Send + 'static {
    log.update(id, |_| {});
    let probe = Probe {
        id,
        start,
        log: log.clone(),
    };
    let log = log.clone();
    async move {
        let _probe = probe;
        log.update(id, |fate| fate.polled = true);
        match behaviour {
            Behaviour::EndsAt(at) => sleep_until(start + ms(at)).await,
            Behaviour::PanicsAt(at) => {
                sleep_until(start + ms(at)).await;
                log.update(id, |fate| fate.panicked_at = Some(at));
                panic!(
                    "job {id} panics here on purpose, at {at} ms: the supervisor must report it \
                     in `panicked` (its task's `JoinError::is_panic`), not pass the panic on"
                );
            }
            Behaviour::FinishesUpAfter(cleanup) => {
                token
                    .expect("a token for a job that watches one")
                    .cancelled()
                    .await;
                sleep(ms(cleanup)).await;
            }
            Behaviour::Never => std::future::pending().await,
        }
        let at = since(start);
        log.update(id, |fate| fate.finished_at = Some(at));
    }
}

/// Sleeps until `at` ms after `start`, without yielding if that is now.
async fn wait_until(start: Instant, at: u64) {
    if Instant::now() < start + ms(at) {
        sleep_until(start + ms(at)).await;
    }
}

/// Awaits `future`, but fails the test with a message if it is polled absurdly
/// often at one instant: a busy loop would otherwise freeze the paused clock
/// until the watchdog ends the test.
async fn spin_guard<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut at = Instant::now();
    let mut polls = 0u32;
    poll_fn(|cx| {
        if Instant::now() != at {
            at = Instant::now();
            polls = 0;
        }
        polls += 1;
        assert!(
            polls < 1_000,
            "shutdown was polled {polls} times without the paused clock moving on: a busy \
             loop, it never waits. (A loop that checks whether the jobs have ended and \
             yields, over and over? Wait for them: the `JoinSet`'s `join_next`, a \
             `TaskTracker`'s `wait`, inside a `timeout`.)"
        );
        future.as_mut().poll(cx)
    })
    .await
}

/// Submits job `id` now, and checks at once that a refused job was dropped
/// unpolled. Returns whether it was accepted.
fn submit(sup: &Supervisor, start: Instant, log: &Log, id: u32, behaviour: Behaviour) -> bool {
    let token = matches!(behaviour, Behaviour::FinishesUpAfter(_)).then(|| sup.token());
    let now = since(start);
    match sup.submit(id, job(id, behaviour, start, log, token)) {
        Ok(()) => true,
        Err(Rejected) => {
            let fate = log.fate(id);
            assert!(
                !fate.polled && fate.dropped_at == Some(now),
                "submit refused job {id} at {now} ms, but the job was {}: a refused job is \
                 dropped at once, never run (got its fate: {fate:?})",
                if fate.polled {
                    "run"
                } else {
                    "kept, not dropped"
                }
            );
            false
        }
    }
}

/// A story: jobs submitted at given instants, a shutdown.
#[derive(Clone, Debug)]
struct Plan {
    /// (id, submitted at ms, behaviour), in time order; never at `shutdown_at`.
    jobs: Vec<(u32, u64, Behaviour)>,
    /// Submitted at `shutdown_at`, in the same poll as the call to `shutdown`,
    /// just before it: spawned, not yet started.
    just_before: Vec<(u32, Behaviour)>,
    shutdown_at: u64,
    grace: u64,
}

impl Plan {
    fn deadline(&self) -> u64 {
        self.shutdown_at + self.grace
    }

    /// When an accepted job would end on its own (`None`: never).
    fn end_of(&self, behaviour: Behaviour, submitted: u64) -> Option<u64> {
        match behaviour {
            Behaviour::EndsAt(at) | Behaviour::PanicsAt(at) => Some(at.max(submitted)),
            Behaviour::FinishesUpAfter(cleanup) => Some(self.shutdown_at + cleanup),
            Behaviour::Never => None,
        }
    }

    fn all_jobs(&self) -> Vec<(u32, u64, Behaviour)> {
        let mut all = self.jobs.clone();
        all.extend(
            self.just_before
                .iter()
                .map(|&(id, b)| (id, self.shutdown_at, b)),
        );
        all
    }
}

/// What happened in a run of a plan.
#[derive(Debug)]
struct Outcome {
    /// `None` if shutdown had not returned 1000 ms after the grace period.
    report: Option<Report>,
    returned_at: u64,
    accepted: Vec<u32>,
    /// The jobs' fates when `shutdown` returned.
    at_return: BTreeMap<u32, Fate>,
    /// The jobs' fates 1000 ms after that.
    later: BTreeMap<u32, Fate>,
}

fn run(plan: &Plan) -> Outcome {
    run_with(plan, false)
}

/// Runs `plan`; with `in_a_task`, `shutdown` is called in a task of its own
/// (a current-thread runtime polls the test's own future first in each
/// instant, and a spawned task after the tasks woken before it).
fn run_with(plan: &Plan, in_a_task: bool) -> Outcome {
    let plan = plan.clone();
    support::paused(NEVER_FINISHED, move || async move {
        let start = Instant::now();
        let log = Log::default();
        let sup = Supervisor::new();
        let accepted = Mutex::new(Vec::new());
        let submitter = async {
            for &(id, at, behaviour) in &plan.jobs {
                wait_until(start, at).await;
                let ok = submit(&sup, start, &log, id, behaviour);
                assert!(
                    ok || at >= plan.shutdown_at,
                    "submit refused job {id} at {at} ms, before shutdown began (at {} ms)",
                    plan.shutdown_at
                );
                assert!(
                    !ok || at < plan.shutdown_at,
                    "submit accepted job {id} at {at} ms, but shutdown began at {} ms: from \
                     its first poll on, `submit` refuses every job (`Err(Rejected)`); a job \
                     accepted then would run past the shutdown, or be lost",
                    plan.shutdown_at
                );
                if ok {
                    accepted.lock().unwrap().push(id);
                }
            }
        };
        let shutter = async {
            wait_until(start, plan.shutdown_at).await;
            for &(id, behaviour) in &plan.just_before {
                assert!(
                    submit(&sup, start, &log, id, behaviour),
                    "submit refused job {id} at {} ms, before shutdown was called",
                    plan.shutdown_at
                );
                accepted.lock().unwrap().push(id);
            }
            let limit = start + ms(plan.deadline() + 1000);
            let grace = ms(plan.grace);
            let report = if in_a_task {
                let sup = sup.clone();
                let task = tokio::spawn(async move { spin_guard(sup.shutdown(grace)).await });
                tokio::select! {
                    biased;
                    () = sleep_until(limit) => None,
                    report = task => Some(report.unwrap_or_else(|e| {
                        std::panic::resume_unwind(e.into_panic())
                    })),
                }
            } else {
                tokio::select! {
                    biased;
                    () = sleep_until(limit) => None,
                    report = spin_guard(sup.shutdown(grace)) => Some(report),
                }
            };
            (report, since(start), log.snapshot())
        };
        let ((), (report, returned_at, at_return)) = tokio::join!(submitter, shutter);
        sleep(ms(1000)).await;
        Outcome {
            report,
            returned_at,
            accepted: accepted.into_inner().unwrap(),
            at_return,
            later: log.snapshot(),
        }
    })
}

/// Checks a run against the contract, with a message naming the mistake.
fn check(plan: &Plan, got: &Outcome) {
    let (t, grace, deadline) = (plan.shutdown_at, plan.grace, plan.deadline());
    let story = format!("shutdown began at {t} ms with a grace of {grace} ms, until {deadline} ms");
    let accepted: Vec<(u32, u64, Behaviour)> = plan
        .all_jobs()
        .into_iter()
        .filter(|(id, _, _)| got.accepted.contains(id))
        .collect();
    let Some(report) = &got.report else {
        let running: Vec<u32> = accepted
            .iter()
            .map(|&(id, _, _)| id)
            .filter(|id| got.at_return[id].dropped_at.is_none())
            .collect();
        if running.is_empty() {
            panic!(
                "{story}, and shutdown had not returned at {} ms, a second after the grace \
                 period ended, though every job had ended by then: it waits for something \
                 that never comes. A `TaskTracker` that was never closed? Its `wait()` \
                 returns only once it is closed AND empty.",
                deadline + 1000
            );
        }
        panic!(
            "{story}, and shutdown had not returned at {} ms, a second after the grace period \
             ended (jobs {running:?} were still running then). When the grace period ends, \
             abort the jobs still running and wait for them to go: a shutdown that waits for \
             every job to end hangs on the first job that never does.",
            deadline + 1000
        );
    };
    let lists = [
        ("completed", &report.completed),
        ("panicked", &report.panicked),
        ("aborted", &report.aborted),
    ];
    // Every accepted job, exactly once; nothing else.
    for &(id, submitted, _) in &accepted {
        let count: usize = lists
            .iter()
            .map(|(_, list)| list.iter().filter(|&&x| x == id).count())
            .sum();
        assert!(
            count > 0,
            "job {id}, submitted at {submitted} ms and accepted, is in no list of the report \
             {report:?}: nothing may be silently lost. {}",
            if submitted == t {
                "It was submitted just before shutdown was called: its task had not started \
                 yet. Every job accepted before shutdown closed the door must be waited for \
                 (jobs still in a channel, on their way to the task that spawns them, when \
                 that task stops? a list of handles copied before the last `submit`?)"
            } else if got.at_return[&id].dropped_at.is_some_and(|at| at < t) {
                "It ended before shutdown began: report those too."
            } else {
                "Report every job the supervisor accepted."
            }
        );
        assert!(
            count == 1,
            "job {id} appears {count} times in the report {report:?}: each job exactly once"
        );
    }
    for (name, list) in lists {
        for id in list.iter() {
            assert!(
                accepted.iter().any(|(x, _, _)| x == id),
                "the report {report:?} lists job {id} in `{name}`, but that job was never \
                 accepted (refused, or never submitted)"
            );
        }
    }
    // The report says what happened, as the tasks' results say.
    for &(id, _, _) in &accepted {
        let fate = got.at_return[&id];
        let list = lists
            .iter()
            .find(|(_, list)| list.contains(&id))
            .map(|(name, _)| *name)
            .unwrap();
        if let Some(at) = fate.panicked_at {
            assert_eq!(
                list, "panicked",
                "job {id} panicked at {at} ms, and the report has it in `{list}`: a job that \
                 panicked goes in `panicked` (its task's result is a `JoinError` whose \
                 `is_panic()` is true)"
            );
        } else if let Some(at) = fate.finished_at {
            assert_eq!(
                list, "completed",
                "job {id} ran to its end at {at} ms, and the report has it in `{list}`. Report \
                 what happened to each task, as its result says (`Ok`: it ended; \
                 `JoinError::is_cancelled`: the abort stopped it), not what you asked for: an \
                 abort asked of a task that has already ended (or ends before it is polled \
                 again) does nothing ({story})"
            );
        } else {
            assert_eq!(
                list, "aborted",
                "job {id} never ran to its end, and the report has it in `{list}` (its fate: \
                 {fate:?})"
            );
            assert!(
                fate.dropped_at.is_some(),
                "job {id} is reported aborted, but its future had not been dropped when \
                 shutdown returned: its task was still there. `abort` only asks; the task \
                 stops at its next poll. Wait for each aborted task to end (the `JoinSet`'s \
                 `join_next` until `None`, or each `JoinHandle`) before reporting it. \
                 Dropping a `JoinSet` aborts its tasks but does not wait; a task spawned with \
                 `tokio::spawn` whose handle was not kept cannot be aborted at all ({story})"
            );
        }
    }
    // Each job in the list its times call for.
    for &(id, submitted, behaviour) in &accepted {
        let fate = got.at_return[&id];
        let end = plan.end_of(behaviour, submitted);
        match end {
            Some(end) if end < deadline => {
                let want = if matches!(behaviour, Behaviour::PanicsAt(_)) {
                    "panicked"
                } else {
                    "completed"
                };
                let dropped = fate.dropped_at.unwrap_or(end);
                assert!(
                    fate.finished_at.is_some() || fate.panicked_at.is_some(),
                    "job {id} would have ended at {end} ms, within the grace period ({story}), \
                     but it was stopped at {dropped} ms, and never {want}. {}",
                    if dropped <= t {
                        "Aborted when shutdown began: the grace period lets the running jobs \
                         finish; abort only those still running when it ends."
                    } else {
                        "Abort only the jobs still running when the grace period ends."
                    }
                );
            }
            Some(end) if end == deadline => {} // either, as it really went
            _ => {
                let would = end.map_or("never ends".to_owned(), |end| {
                    format!("would end at {end} ms")
                });
                let late = fate.finished_at.is_some() || fate.dropped_at > Some(deadline);
                assert_eq!(
                    (fate.finished_at, fate.dropped_at),
                    (None, Some(deadline)),
                    "job {id} {would}: it must be aborted at {deadline} ms, when the grace \
                     period ends, no earlier and no later ({story}); (got when it ended and \
                     when its future was dropped){}",
                    if late {
                        ". The deadline is fixed once, when shutdown begins: a fresh \
                         `timeout(grace, …)` for each job waited for moves it on every time \
                         a job ends"
                    } else {
                        ""
                    }
                );
            }
        }
    }
    // When shutdown returns.
    let ends: Vec<Option<u64>> = accepted
        .iter()
        .map(|&(_, submitted, b)| plan.end_of(b, submitted))
        .collect();
    let last = ends
        .iter()
        .try_fold(t, |last, end| end.map(|end| last.max(end)));
    let want = last.map_or(deadline, |last| last.min(deadline));
    assert!(
        got.returned_at == want,
        "{story}; shutdown returned at {} ms, but should have at {want} ms: {}",
        got.returned_at,
        if want < deadline && got.returned_at > want {
            format!(
                "every job had ended by {want} ms. Return as soon as the last job ends: wait \
                 for the jobs themselves, with the deadline as a bound (`timeout_at`), \
                 instead of sleeping through the grace period{}",
                if want == t {
                    " (here no job was running at all)"
                } else {
                    ""
                }
            )
        } else {
            "when every job has ended, or when the grace period ends, whichever comes first"
                .to_owned()
        }
    );
    // Nothing runs on after shutdown.
    for &(id, _, _) in &accepted {
        let (then, later) = (got.at_return[&id], got.later[&id]);
        assert!(
            then.dropped_at.is_some() && later == then,
            "job {id} was still running when shutdown returned at {} ms (its fate then: \
             {then:?}; a second later: {later:?}): every job must be gone by then. A job \
             spawned with `tokio::spawn` and not kept in a `JoinSet` (or tracked with its \
             `JoinHandle`) is never aborted, and outlives the shutdown",
            got.returned_at
        );
    }
    for (name, list) in lists {
        assert!(
            list.is_sorted(),
            "the report's `{name}` list is {list:?}: each list is in increasing order"
        );
    }
}

fn ends(id: u32, at: u64) -> (u32, u64, Behaviour) {
    (id, 0, Behaviour::EndsAt(at))
}

#[test]
fn jobs_start_at_once_each_in_a_task_of_its_own() {
    // Nobody polls the supervisor until 200 ms.
    let plan = Plan {
        jobs: (1..=8).map(|id| ends(id, 10 * id as u64)).collect(),
        just_before: vec![],
        shutdown_at: 200,
        grace: 100,
    };
    let got = run(&plan);
    for id in 1..=8u32 {
        let fate = got.later[&id];
        assert_eq!(
            fate.finished_at,
            Some(10 * id as u64),
            "job {id} was submitted at 0 ms and sleeps until {} ms, while nobody polls the \
             supervisor (its shutdown starts at 200 ms); it ended at {:?}. `submit` starts \
             each job at once in a task of its own (`JoinSet::spawn`, `tokio::spawn`), and \
             the jobs run side by side",
            10 * id,
            fate.finished_at
        );
    }
    check(&plan, &got);
}

#[test]
fn shutdown_returns_as_soon_as_the_last_job_ends() {
    let plan = Plan {
        jobs: vec![ends(1, 60), ends(2, 90), ends(3, 120), ends(4, 30)],
        just_before: vec![],
        shutdown_at: 50,
        grace: 100,
    };
    check(&plan, &run(&plan));
    // No job running at all: at once.
    let plan = Plan {
        jobs: vec![ends(1, 20)],
        just_before: vec![],
        shutdown_at: 50,
        grace: 100,
    };
    check(&plan, &run(&plan));
    let plan = Plan {
        jobs: vec![],
        just_before: vec![],
        shutdown_at: 50,
        grace: 100,
    };
    let got = run(&plan);
    check(&plan, &got);
    assert_eq!(
        got.report,
        Some(Report::default()),
        "no job ever: an empty report"
    );
}

#[test]
fn jobs_still_running_when_the_grace_period_ends_are_aborted_then() {
    let plan = Plan {
        jobs: vec![
            ends(1, 30),
            ends(2, 149),
            ends(3, 151),
            ends(4, 1000),
            (5, 0, Behaviour::Never),
        ],
        just_before: vec![],
        shutdown_at: 50,
        grace: 100,
    };
    let got = run(&plan);
    check(&plan, &got);
    assert_eq!(
        got.report,
        Some(Report {
            completed: vec![1, 2],
            panicked: vec![],
            aborted: vec![3, 4, 5],
        }),
        "shutdown at 50 ms, grace 100 ms: jobs ending at 30 and 149 ms completed, the ones \
         ending at 151 ms, 1000 ms and never aborted at 150 ms"
    );
}

#[test]
fn the_report_says_what_happened_not_what_was_asked() {
    // Job 1 never ends; job 2 ends 1 ms before the deadline; jobs 3 to 8 end at
    // the deadline itself, in the same instant as the abort, on either side.
    let mut jobs = vec![(1, 0, Behaviour::Never), ends(2, 149)];
    jobs.extend((3..=8).map(|id| ends(id, 150)));
    let plan = Plan {
        jobs,
        just_before: vec![],
        shutdown_at: 50,
        grace: 100,
    };
    let got = run(&plan);
    check(&plan, &got);
    let report = got.report.expect("checked");
    assert!(
        report.completed.contains(&2) && report.aborted.contains(&1),
        "job 2 ended at 149 ms, before the deadline at 150 ms, and job 1 never ends: {report:?}"
    );
    // The same, with `shutdown` in a task of its own. Then (with tokio's
    // current-thread scheduler) jobs 3 to 8 run, and end, at 150 ms before
    // `shutdown` is polled at that instant: they ended before the abort, so
    // they are completed, however the deadline looks.
    let got = run_with(&plan, true);
    check(&plan, &got);
}

#[test]
fn no_job_is_accepted_once_shutdown_has_begun() {
    let plan = Plan {
        jobs: vec![
            ends(1, 120),
            (2, 40, Behaviour::EndsAt(45)),
            (3, 60, Behaviour::EndsAt(70)),
            (4, 90, Behaviour::Never),
            (5, 149, Behaviour::EndsAt(150)),
        ],
        just_before: vec![],
        shutdown_at: 50,
        grace: 100,
    };
    let got = run(&plan);
    assert_eq!(
        got.accepted,
        [1, 2],
        "jobs were submitted at 0, 40, 60, 90 and 149 ms, and shutdown began at 50 ms: only \
         the first two are accepted"
    );
    check(&plan, &got);
    // Through a clone, and from inside a job, after shutdown began.
    support::paused(NEVER_FINISHED, || async {
        let start = Instant::now();
        let log = Log::default();
        let sup = Supervisor::new();
        let inner = sup.clone();
        let inner_log = log.clone();
        let (tell, told) = tokio::sync::oneshot::channel();
        let submitter = async move {
            let token = inner.token();
            token.cancelled().await;
            let refused = !submit(&inner, start, &inner_log, 2, Behaviour::EndsAt(20));
            let _ = tell.send(refused);
        };
        assert!(
            sup.submit(1, submitter).is_ok(),
            "submit at 0 ms, nothing shut down"
        );
        sleep(ms(10)).await;
        let report = sup.shutdown(ms(100)).await;
        let refused = told.await.unwrap_or(false);
        assert!(
            refused,
            "job 1 holds a clone of the supervisor, waits for shutdown (its token) and \
             submits job 2 then: it must be refused. Clones are handles to one supervisor"
        );
        assert!(
            sup.clone()
                .submit(3, job(3, Behaviour::Never, start, &log, None))
                .is_err(),
            "after shutdown returned, a clone of the supervisor accepted job 3"
        );
        assert_eq!(report.completed, [1], "job 1 completed");
    });
}

#[test]
fn jobs_submitted_just_before_shutdown_are_not_forgotten() {
    let plan = Plan {
        jobs: vec![ends(1, 10)],
        just_before: vec![(7, Behaviour::EndsAt(80)), (8, Behaviour::Never)],
        shutdown_at: 50,
        grace: 100,
    };
    check(&plan, &run(&plan));
    // With no grace, a job that never started is aborted, and reported.
    let plan = Plan {
        jobs: vec![ends(1, 10)],
        just_before: vec![(7, Behaviour::EndsAt(80))],
        shutdown_at: 50,
        grace: 0,
    };
    let got = run(&plan);
    check(&plan, &got);
    assert_eq!(
        got.report,
        Some(Report {
            completed: vec![1],
            panicked: vec![],
            aborted: vec![7],
        }),
        "job 7 was submitted just before a shutdown with no grace: it is aborted (never \
         started), and reported"
    );
}

#[test]
fn the_token_tells_the_jobs_to_finish_up_when_shutdown_begins() {
    let plan = Plan {
        jobs: vec![
            (1, 0, Behaviour::FinishesUpAfter(15)),
            (2, 20, Behaviour::FinishesUpAfter(30)),
            (3, 0, Behaviour::FinishesUpAfter(0)),
            ends(4, 40),
        ],
        just_before: vec![],
        shutdown_at: 50,
        grace: 100,
    };
    let got = run(&plan);
    for (id, want) in [(3, 50), (1, 65), (2, 80)] {
        assert_eq!(
            got.later[&id].finished_at,
            Some(want),
            "job {id} waits for its token (from `Supervisor::token`), then finishes up: \
             shutdown began at 50 ms, so it ends at {want} ms (got when it ended). The token \
             is cancelled when shutdown begins, not before and not later"
        );
    }
    check(&plan, &got);
    // Each job's token is a child: cancelling it cancels nothing else.
    support::paused(NEVER_FINISHED, || async {
        let sup = Supervisor::new();
        let (one, two) = (sup.token(), sup.token());
        one.cancel();
        assert!(
            !two.is_cancelled(),
            "a job cancelled its own token, and another job's token was cancelled too: give \
             each job a child token (`child_token()`), not a clone of the supervisor's"
        );
        let start = Instant::now();
        assert!(
            submit(&sup, start, &Log::default(), 1, Behaviour::EndsAt(10)),
            "a job cancelled its own token, and the supervisor refused the next job: a job's \
             token must not shut the supervisor down"
        );
        let report = sup.shutdown(ms(100)).await;
        assert!(two.is_cancelled(), "shutdown cancels every job's token");
        assert!(
            sup.token().is_cancelled(),
            "a token taken after shutdown began is already cancelled"
        );
        assert_eq!(
            report.completed,
            [1],
            "job 1 was accepted at 0 ms and ended at 10 ms, within the grace period: completed"
        );
    });
}

#[test]
fn a_panicking_job_is_reported_and_stops_nothing() {
    let plan = Plan {
        jobs: vec![
            (1, 0, Behaviour::PanicsAt(20)),
            ends(3, 90),
            ends(4, 30),
            (5, 25, Behaviour::EndsAt(40)),
            (2, 45, Behaviour::PanicsAt(70)),
        ],
        just_before: vec![],
        shutdown_at: 50,
        grace: 100,
    };
    let got = run(&plan);
    check(&plan, &got);
    assert_eq!(
        got.report,
        Some(Report {
            completed: vec![3, 4, 5],
            panicked: vec![1, 2],
            aborted: vec![],
        }),
        "jobs 1 and 2 panicked (at 20 and 70 ms), the others ended normally"
    );
}

#[test]
fn no_grace_aborts_every_running_job_at_once() {
    let plan = Plan {
        jobs: vec![
            ends(1, 30),
            ends(2, 51),
            (3, 0, Behaviour::Never),
            ends(4, 50),
        ],
        just_before: vec![],
        shutdown_at: 50,
        grace: 0,
    };
    let got = run(&plan);
    check(&plan, &got);
    let report = got.report.expect("checked");
    assert!(
        report.completed.contains(&1) && report.aborted.starts_with(&[2, 3]),
        "grace 0 at 50 ms: job 1 ended at 30 ms, jobs 2 and 3 aborted at once: {report:?}"
    );
}

#[test]
fn every_accepted_job_is_reported_exactly_once_whatever_happens_to_it() {
    // 40 jobs from a fixed pseudo-random sequence, submitted from 0 to 150 ms;
    // shutdown at 100 ms with a grace of 80 ms.
    let mut seed = 2026u64;
    let mut next = |n: u64| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % n
    };
    let mut jobs = Vec::new();
    for id in 0..40 {
        let mut at = next(150);
        if at == 100 {
            at = 99;
        }
        let behaviour = match next(6) {
            0 | 1 => Behaviour::EndsAt(at + next(200)),
            2 => Behaviour::EndsAt(180),
            3 => Behaviour::PanicsAt(at + next(150)),
            4 => Behaviour::FinishesUpAfter(next(120)),
            _ => Behaviour::Never,
        };
        jobs.push((id, at, behaviour));
    }
    jobs.sort_by_key(|&(_, at, _)| at);
    let plan = Plan {
        jobs,
        just_before: vec![(40, Behaviour::EndsAt(130)), (41, Behaviour::Never)],
        shutdown_at: 100,
        grace: 80,
    };
    check(&plan, &run(&plan));
}

#[test]
fn a_shutdown_that_is_dropped_loses_nothing() {
    support::paused(NEVER_FINISHED, || async {
        let start = Instant::now();
        let log = Log::default();
        let sup = Supervisor::new();
        for (id, behaviour) in [
            (1, Behaviour::EndsAt(20)),
            (2, Behaviour::EndsAt(110)),
            (3, Behaviour::Never),
            (4, Behaviour::EndsAt(300)),
        ] {
            assert!(submit(&sup, start, &log, id, behaviour), "accepted at 0 ms");
        }
        sleep(ms(50)).await;
        // Whoever called it gave up waiting after 30 ms (a `timeout`, a
        // `select!` on a second Ctrl-C): the shutdown future is dropped.
        let gave_up = timeout(ms(30), spin_guard(sup.shutdown(ms(100)))).await;
        assert!(
            gave_up.is_err(),
            "shutdown at 50 ms with a grace of 100 ms returned before 80 ms, with jobs 2, 3 \
             and 4 still running (due at 110 ms, never, 300 ms)"
        );
        sleep(ms(10)).await;
        assert!(
            !submit(&sup, start, &log, 9, Behaviour::EndsAt(100)),
            "a shutdown began at 50 ms and was dropped at 80 ms; at 90 ms submit accepted a \
             job: the supervisor stays closed"
        );
        sleep(ms(30)).await;
        let fate = log.fate(2);
        assert_eq!(
            fate.finished_at,
            Some(110),
            "a shutdown began at 50 ms and was dropped at 80 ms; job 2, due at 110 ms, must \
             go on running, and end then (its fate: {fate:?}). Dropping `shutdown` must \
             change nothing: the jobs belong to the supervisor, not to the `shutdown` \
             future (a `JoinSet` moved into it is dropped with it, which aborts every job)"
        );
        let report = tokio::select! {
            biased;
            () = sleep(ms(1100)) => None,
            report = spin_guard(sup.shutdown(ms(100))) => Some(report),
        };
        let report = report.expect(
            "a second shutdown at 120 ms, grace 100 ms, had not returned at 1220 ms: abort \
             the jobs still running when its grace period ends",
        );
        assert_eq!(
            (report, since(start)),
            (
                Report {
                    completed: vec![1, 2],
                    panicked: vec![],
                    aborted: vec![3, 4],
                },
                220
            ),
            "a shutdown began at 50 ms and was dropped at 80 ms; a second one began at \
             120 ms with a grace of 100 ms (got its report, and when it returned). The \
             dropped one reported nothing, so this one reports every job: 1 and 2 \
             completed (at 20 and 110 ms), 3 and 4 aborted at 220 ms. A `shutdown` that \
             keeps the jobs, or their outcomes, in its own locals loses them when it is \
             dropped: keep them in the supervisor until they are handed out in a report"
        );
    });
}

/// The fuzzer's jobs: (id, behaviour), all submitted at 0 ms.
const FUZZED: [(u32, Behaviour); 6] = [
    (0, Behaviour::EndsAt(10)),
    (1, Behaviour::EndsAt(35)),
    (2, Behaviour::FinishesUpAfter(17)),
    (3, Behaviour::EndsAt(140)),
    (4, Behaviour::EndsAt(400)),
    (5, Behaviour::Never),
];

/// What the fuzzer's check looks at.
struct Fuzzed {
    log: Log,
    /// The report of the shutdown under test, if it returned.
    first: Arc<Mutex<Option<Report>>>,
    /// The report of the rescue, a `shutdown(0)` made once the first one is
    /// gone, and when it returned (ms).
    rescue: Arc<Mutex<Option<(Report, u64)>>>,
}

#[test]
fn dropped_at_any_poll_shutdown_leaves_no_job_running_and_none_unreported() {
    // A service that shuts down at 20 ms with a grace of 100 ms, dropped
    // after 0, 1, 2, … polls. Once it is gone (dropped, or returned), a
    // rescue calls `shutdown` again with no grace: between them the two
    // calls must report every job exactly once, as it really went, and
    // leave no job running.
    support::drop_after_each_poll(
        "shutdown",
        40,
        || {
            let start = Instant::now();
            let log = Log::default();
            let sup = Supervisor::new();
            for (id, behaviour) in FUZZED {
                let accepted = submit(&sup, start, &log, id, behaviour);
                assert!(accepted, "job {id} accepted at 0 ms");
            }
            let first = Arc::new(Mutex::new(None));
            let rescue = Arc::new(Mutex::new(None));
            let (gone, is_gone) = tokio::sync::oneshot::channel::<()>();
            let (sup2, rescued) = (sup.clone(), Arc::clone(&rescue));
            tokio::spawn(async move {
                let _ = is_gone.await;
                let report = sup2.shutdown(Duration::ZERO).await;
                *rescued.lock().unwrap() = Some((report, since(start)));
            });
            let reported = Arc::clone(&first);
            let service = async move {
                let _gone = gone;
                sleep(ms(20)).await;
                let report = sup.shutdown(ms(100)).await;
                *reported.lock().unwrap() = Some(report);
            };
            let state = Fuzzed { log, first, rescue };
            (state, service)
        },
        |state, how| {
            let when = match how {
                Dropped::AfterPolls(polls) => format!("dropped after {polls} polls"),
                Dropped::Completed { polls } => format!("completed on poll {polls}"),
            };
            let fates = state.log.snapshot();
            let first = state.first.lock().unwrap().clone();
            let Some((rescue, rescued_at)) = state.rescue.lock().unwrap().clone() else {
                panic!(
                    "the service's shutdown was {when}; then a second `shutdown` with no \
                     grace had not returned, at the same instant, after the runtime's other \
                     tasks had 16 turns: with no grace it aborts what is still running at \
                     once and returns without waiting for time to pass (jobs' fates: \
                     {fates:?})"
                );
            };
            let mut reports = vec![rescue.clone()];
            reports.extend(first.clone());
            for (id, _) in FUZZED {
                let fate = fates[&id];
                let lists: Vec<&str> = reports
                    .iter()
                    .flat_map(|r| {
                        [
                            ("completed", &r.completed),
                            ("panicked", &r.panicked),
                            ("aborted", &r.aborted),
                        ]
                    })
                    .filter(|(_, list)| list.contains(&id))
                    .map(|(name, _)| name)
                    .collect();
                assert!(
                    lists.len() == 1,
                    "the service's shutdown was {when}, and a second `shutdown` followed; \
                     between them, job {id} was reported {} times ({lists:?}): every job \
                     exactly once. The first call's report: {first:?}; the second's: \
                     {rescue:?}. {}",
                    lists.len(),
                    if lists.is_empty() {
                        "A job lost with a dropped `shutdown`: keep the jobs (and the \
                         outcomes taken from them) in the supervisor, never only in the \
                         locals of `shutdown`, whose drop loses them"
                    } else {
                        "A second call reports only what no earlier call returned"
                    }
                );
                let want = if fate.finished_at.is_some() {
                    "completed"
                } else {
                    "aborted"
                };
                assert!(
                    lists[0] == want && fate.dropped_at.is_some(),
                    "the service's shutdown was {when}, and a second `shutdown` with no grace \
                     followed at {rescued_at} ms; job {id} is reported `{}`, but its fate is \
                     {fate:?}: every job must be gone once that second call returns, and \
                     reported as it really went",
                    lists[0]
                );
            }
            if let Dropped::Completed { .. } = how {
                assert_eq!(
                    (first, rescue),
                    (
                        Some(Report {
                            completed: vec![0, 1, 2],
                            panicked: vec![],
                            aborted: vec![3, 4, 5],
                        }),
                        Report::default()
                    ),
                    "an undisturbed shutdown at 20 ms, grace 100 ms: jobs 0, 1 (ending at 10, \
                     35 ms) and 2 (finishing up 17 ms after its token) completed, 3, 4, 5 \
                     aborted at 120 ms; a second call after it has nothing left to report"
                );
            }
        },
    );
}
