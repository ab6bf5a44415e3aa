//! Where each exercise stands: its last result, fresh from the progress
//! record when its files have not changed, or measured now by building and
//! running its suite (and then remembered).

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use anyhow::{Context, Result};

use crate::commands::Usage;
use crate::manifest::{Exercise, Manifest};
use crate::progress::{Outcome, Progress};
use crate::report::first_error;
use crate::suite::{self, Build, Run};

/// How long a build and a run of a suite may take. A first build compiles
/// every dependency and may take minutes; that is slow, not hung. A suite is
/// designed to end within seconds even when the code under test never wakes.
#[derive(Clone, Copy, Debug)]
pub struct Budgets {
    pub build: Duration,
    pub run: Duration,
}

impl Budgets {
    /// The defaults (10 minutes to build, 20 seconds to run), or
    /// `ASYNCLINGS_BUILD_BUDGET` / `ASYNCLINGS_RUN_BUDGET` in seconds.
    pub fn from_env() -> Self {
        let seconds = |name: &str, default: u64| {
            let value = std::env::var(name).ok().and_then(|v| v.parse::<f64>().ok());
            Duration::from_secs_f64(value.unwrap_or(default as f64))
        };
        Self {
            build: seconds("ASYNCLINGS_BUILD_BUDGET", 600),
            run: seconds("ASYNCLINGS_RUN_BUDGET", 20),
        }
    }
}

/// Where an exercise stands.
#[derive(Debug)]
pub enum State {
    /// Its suite ran on the current files.
    Ran(Outcome),
    /// Its suite could not be built: the compiler's first error, or a note.
    NotBuilt(String),
}

impl State {
    pub fn label(&self) -> &'static str {
        match self {
            State::Ran(Outcome::Passed) => "done",
            State::Ran(Outcome::Failed) => "failing",
            State::Ran(Outcome::Hung) => "hung",
            State::NotBuilt(_) => "does not compile",
        }
    }

    pub fn is_done(&self) -> bool {
        matches!(self, State::Ran(Outcome::Passed))
    }
}

/// Finds the exercise `id`, or says which ids come close.
pub fn resolve<'m>(manifest: &'m Manifest, id: &str) -> Result<&'m Exercise> {
    if let Some(exercise) = manifest.get(id) {
        return Ok(exercise);
    }
    let mut close: Vec<(f64, &str)> = manifest
        .exercises
        .iter()
        .map(|e| (strsim::jaro_winkler(id, &e.id), e.id.as_str()))
        .filter(|(score, _)| *score > 0.75)
        .collect();
    close.sort_by(|a, b| b.0.total_cmp(&a.0));
    let suggestion = match close.as_slice() {
        [] => String::new(),
        [(_, one)] => format!(" Did you mean `{one}`?"),
        more => format!(
            " Did you mean one of: {}?",
            more.iter()
                .take(3)
                .map(|(_, id)| format!("`{id}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    Err(Usage(format!(
        "there is no exercise `{id}`.{suggestion} (`cargo run -- list` shows them all.)"
    ))
    .into())
}

/// Fails with a usage error if the files the runner needs for `exercise` are
/// missing (a manifest entry without its stub or suite).
pub fn require_files(root: &Path, exercise: &Exercise) -> Result<()> {
    let missing: Vec<String> = [exercise.stub(), exercise.suite()]
        .into_iter()
        .filter(|path| !root.join(path).is_file())
        .map(|path| path.display().to_string())
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(Usage(format!(
            "exercises.toml lists `{}`, but {} missing. Is the checkout complete? \
             (`git status` shows deleted files; `cargo run -- reset {}` restores the stub.)",
            exercise.id,
            match missing.as_slice() {
                [one] => format!("{one} is"),
                more => format!("{} are", more.join(" and ")),
            },
            exercise.id
        ))
        .into())
    }
}

/// The state of each of `exercises`: from the progress file where its result
/// is fresh, else by building and running its suite now (and remembering the
/// result). Suites that need building are built in one cargo call.
pub fn measure(
    root: &Path,
    progress: &mut Progress,
    exercises: &[&Exercise],
    budgets: Budgets,
) -> Result<BTreeMap<String, (State, Option<Run>)>> {
    let mut states = BTreeMap::new();
    let mut stale = Vec::new();
    for exercise in exercises {
        require_files(root, exercise)?;
        match progress.fresh_outcome(root, exercise) {
            Some(outcome) => {
                states.insert(exercise.id.clone(), (State::Ran(outcome), None));
            }
            None => stale.push(*exercise),
        }
    }
    if stale.is_empty() {
        return Ok(states);
    }
    // A file shipped not compiling (its lesson is the compiler's error) would
    // fail the shared build of the others: build its suite on its own.
    let edited = edited_stubs(root);
    let (alone, stale): (Vec<&Exercise>, Vec<&Exercise>) = stale
        .into_iter()
        .partition(|e| e.untouched_and_not_compiling(edited.as_deref()));
    let mut builds = Vec::new();
    if !stale.is_empty() {
        builds = build_together(root, &stale, budgets)?;
    }
    let never = AtomicBool::new(false);
    for exercise in alone {
        let build = suite::build_quietly(root, &[&exercise.id], budgets.build, &never, |_| {})?;
        builds.push((exercise, build));
    }
    for (exercise, build) in builds {
        let binary = match &build {
            Build::Built(binaries, _) => binaries.get(&exercise.id).with_context(|| {
                format!("cargo built no test binary for tests/{}.rs", exercise.id)
            })?,
            trouble => {
                let note = not_built(trouble, budgets);
                states.insert(exercise.id.clone(), (State::NotBuilt(note), None));
                continue;
            }
        };
        let mut run = run_showing_progress(binary, root, exercise, budgets)?;
        if let Build::Built(_, messages) = &build {
            run.warnings = warnings_once_edited(edited.as_deref(), exercise, messages);
        }
        let outcome = outcome(&run);
        progress.record(root, exercise, outcome);
        states.insert(exercise.id.clone(), (State::Ran(outcome), Some(run)));
    }
    progress.save()?;
    Ok(states)
}

/// Builds the suites of `stale` in one cargo call, or one by one if some do
/// not compile.
fn build_together<'e>(
    root: &Path,
    stale: &[&'e Exercise],
    budgets: Budgets,
) -> Result<Vec<(&'e Exercise, Build)>> {
    let targets: Vec<&str> = stale.iter().map(|e| e.id.as_str()).collect();
    let (mut told_deps, mut told_suites) = (false, false);
    let never = AtomicBool::new(false);
    let build = suite::build_quietly(root, &targets, budgets.build, &never, |line| {
        // Say once what is being built: the dependencies take a while, but
        // only the first time.
        let Some(krate) = line.trim_start().strip_prefix("Compiling ") else {
            return;
        };
        let ours = ["asynclings ", "asynclings-support "]
            .iter()
            .any(|name| krate.starts_with(name));
        if ours && !told_suites {
            eprintln!("building {} suite(s)…", targets.len());
            told_suites = true;
        } else if !ours && !told_deps {
            eprintln!("building the dependencies (the first time only: a minute or two)…");
            told_deps = true;
        }
    })?;
    // Each suite compiles only its own exercise's file. When some do not
    // compile, build the suites one by one, so that one unfinished exercise
    // never hides the state of the others.
    Ok(match build {
        Build::Failed(_) if stale.len() > 1 => stale
            .iter()
            .map(|exercise| {
                let alone =
                    suite::build_quietly(root, &[&exercise.id], budgets.build, &never, |_| {});
                alone.map(|build| (*exercise, build))
            })
            .collect::<Result<_>>()?,
        build => stale
            .iter()
            .map(|exercise| (*exercise, build.clone()))
            .collect(),
    })
}

/// Runs a suite, and says so on the terminal when it takes more than a
/// moment: a hung suite runs until its budget is spent, and a silent wait of
/// 20 seconds looks like a frozen runner.
fn run_showing_progress(
    binary: &Path,
    root: &Path,
    exercise: &Exercise,
    budgets: Budgets,
) -> Result<Run> {
    let terminal = std::io::stderr().is_terminal();
    let mut shown = false;
    let never = AtomicBool::new(false);
    let mut last = 0;
    let run = suite::run_watched(binary, root, budgets.run, &never, |spent| {
        let seconds = spent.as_secs();
        if seconds < 2 || seconds == last || (shown && !terminal) {
            return;
        }
        last = seconds;
        let line = format!(
            "running {}'s tests… {seconds}s (stopped at {}s if they hang)",
            exercise.id,
            budgets.run.as_secs()
        );
        if terminal {
            eprint!("\r{line}");
        } else {
            eprintln!("{line}");
        }
        shown = true;
    })?;
    if shown && terminal {
        // Rub the progress line out: the report follows.
        eprint!("\r\x1b[2K");
    }
    Ok(run)
}

/// The compiler's warnings about the learner's file, once they have edited
/// it: an unused `cx` is a hint that the waker was forgotten. The untouched
/// stubs leave parameters and imports unused on purpose, so their warnings
/// are not shown. `edited` is [`edited_stubs`], asked once by the caller.
pub fn warnings_once_edited(
    edited: Option<&[PathBuf]>,
    exercise: &Exercise,
    messages: &str,
) -> Vec<String> {
    let untouched = edited.is_some_and(|edited| !edited.contains(&exercise.stub()));
    if untouched {
        Vec::new()
    } else {
        suite::warnings_about(messages, &exercise.stub())
    }
}

/// The exercise files that differ from git's `HEAD`; `None` if git cannot
/// tell (no git, not a checkout).
pub fn edited_stubs(root: &Path) -> Option<Vec<PathBuf>> {
    let output = Command::new("git")
        .current_dir(root)
        .args([
            "status",
            "--porcelain",
            "--no-renames",
            "--",
            "exercises/src",
        ])
        .output()
        .ok()?;
    output.status.success().then(|| {
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter_map(|line| line.get(3..))
            .map(PathBuf::from)
            .collect()
    })
}

/// What to tell the learner about a build that did not produce the suites.
pub fn not_built(build: &Build, budgets: Budgets) -> String {
    match build {
        Build::Built(..) => "the suite was built".into(),
        Build::Failed(messages) => first_error(messages),
        Build::TimedOut | Build::Cancelled => format!(
            "the build took longer than {}s and was stopped (set ASYNCLINGS_BUILD_BUDGET to \
             allow more)",
            budgets.build.as_secs()
        ),
    }
}

/// What a finished (or stopped) run of a suite amounts to.
pub fn outcome(run: &Run) -> Outcome {
    if run.timed_out {
        Outcome::Hung
    } else if run.success {
        Outcome::Passed
    } else {
        Outcome::Failed
    }
}

/// The first exercise, in manifest order, that is not done.
pub fn next<'m>(
    manifest: &'m Manifest,
    states: &BTreeMap<String, (State, Option<Run>)>,
) -> Option<&'m Exercise> {
    manifest
        .exercises
        .iter()
        .find(|e| !states.get(&e.id).is_some_and(|(state, _)| state.is_done()))
}

/// The first exercise, in manifest order, not known to be done: one whose
/// remembered result is a pass on its files as they are now counts as done,
/// anything else (failing, edited since, never run) does not. Nothing is
/// built or run, so this answers at once.
pub fn current<'m>(
    root: &Path,
    manifest: &'m Manifest,
    progress: &Progress,
) -> Option<&'m Exercise> {
    manifest
        .exercises
        .iter()
        .find(|e| progress.fresh_outcome(root, e) != Some(Outcome::Passed))
}

/// The exercise `id`, or without one the current exercise ([`current`]).
pub fn chosen<'m>(
    root: &Path,
    manifest: &'m Manifest,
    progress: &Progress,
    id: Option<&str>,
) -> Result<&'m Exercise> {
    match id {
        Some(id) => resolve(manifest, id),
        None => current(root, manifest, progress).ok_or_else(|| {
            Usage(
                "every exercise is done, so there is no current one: name the exercise \
                 (`cargo run -- list` shows them all)."
                    .into(),
            )
            .into()
        }),
    }
}
