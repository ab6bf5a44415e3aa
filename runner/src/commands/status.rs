//! `cargo run` (status), `cargo run -- list` and `cargo run -- status --json`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::Result;
use serde_json::json;

use crate::manifest::{Exercise, Kind, Manifest};
use crate::mistakes;
use crate::progress::{Outcome, PROGRESS_FILE, Progress};
use crate::report;
use crate::state::{self, Budgets, State, measure, next};
use crate::suite::Status;

fn bar(done: usize, total: usize) -> String {
    let width = 30;
    let filled = (done * width).checked_div(total).unwrap_or(0);
    format!("[{}{}]", "#".repeat(filled), "-".repeat(width - filled))
}

/// `cargo run`: progress, and what to do next.
pub fn status(root: &Path, manifest: &Manifest) -> Result<()> {
    let mut progress = Progress::load(root)?;
    note_unknown(&progress, manifest);
    let all: Vec<&Exercise> = manifest.exercises.iter().collect();
    let states = measure(root, &mut progress, &all, Budgets::from_env())?;
    let done = states.values().filter(|(s, _)| s.is_done()).count();
    let total = manifest.exercises.len();
    println!(
        "asynclings: {done} of {total} exercises done  {}  {}%\n",
        bar(done, total),
        done * 100 / total
    );
    match next(manifest, &states) {
        None => println!(
            "Every exercise passes. Well done! The book has more to read, and \
             variants/ shows the classic mistakes: try to break a solution the way they do."
        ),
        Some(exercise) => {
            let state = &states[&exercise.id].0;
            println!("Next: {} ({})", exercise.title, exercise.id);
            println!("  edit   {}", exercise.stub().display());
            println!("  read   {}", exercise.where_to_read(root));
            println!("  test   {}", exercise.test_command());
            println!("  watch  cargo run -- watch   (re-runs the tests on every save)");
            match state {
                State::NotBuilt(error) => println!(
                    "\nIt does not compile yet.{}\n{error}",
                    exercise.not_compiling_note()
                ),
                State::Ran(Outcome::Hung) => {
                    let hang = states[&exercise.id]
                        .1
                        .as_ref()
                        .and_then(|run| run.hang.as_ref());
                    println!(
                        "\nIts tests HUNG: they were stopped after {}s{}. `cargo run -- test` \
                         shows which test and what it probably means.",
                        Budgets::from_env().run.as_secs(),
                        match hang.and_then(|h| h.busy_cores) {
                            Some(cores) if cores >= 0.5 => ", busy all along (a busy loop?)",
                            Some(cores) if cores <= 0.1 => {
                                ", idle all along (a lost wake-up or a deadlock?)"
                            }
                            _ => "",
                        }
                    );
                }
                _ => {}
            }
            if exercise.kind == Kind::WriteTests
                && let Some(verdict) = states[&exercise.id].1.as_ref().and_then(report::grading)
            {
                println!("\n{verdict}");
            }
        }
    }
    Ok(())
}

/// The width of the longest exercise id, for a column of ids.
fn id_width(manifest: &Manifest) -> usize {
    manifest
        .exercises
        .iter()
        .map(|e| e.id.len())
        .max()
        .unwrap_or(0)
}

fn note_unknown(progress: &Progress, manifest: &Manifest) {
    for id in progress.unknown_ids(manifest) {
        eprintln!(
            "note: {PROGRESS_FILE} mentions `{id}`, which is no longer an exercise (renamed or \
             removed by an update); skipped"
        );
    }
}

/// `cargo run -- list`: every exercise with its state.
pub fn list(root: &Path, manifest: &Manifest) -> Result<()> {
    let mut progress = Progress::load(root)?;
    note_unknown(&progress, manifest);
    let all: Vec<&Exercise> = manifest.exercises.iter().collect();
    let states = measure(root, &mut progress, &all, Budgets::from_env())?;
    let width = id_width(manifest);
    let edited = state::edited_stubs(root);
    for (n, exercise) in manifest.exercises.iter().enumerate() {
        let state = &states[&exercise.id].0;
        let mark = if state.is_done() { "✓" } else { " " };
        println!(
            "{mark} {:>2}. {:<width$}  {:<16}  {}",
            n + 1,
            exercise.id,
            label(state, exercise, edited.as_ref()),
            exercise.title
        );
    }
    Ok(())
}

/// `cargo run -- check-all`: every exercise's tests run again, nothing taken
/// from the progress record, and a table of what each does now: for someone
/// back from a break, or an instructor checking a laptop. Returns the exit
/// code: 0 if every exercise passes, 1 otherwise.
pub fn check_all(root: &Path, manifest: &Manifest) -> Result<u8> {
    let mut progress = Progress::load(root)?;
    note_unknown(&progress, manifest);
    for exercise in &manifest.exercises {
        progress.entry(&exercise.id).fingerprint.clear();
    }
    let all: Vec<&Exercise> = manifest.exercises.iter().collect();
    let started = Instant::now();
    let states = measure(root, &mut progress, &all, Budgets::from_env())?;
    let took = started.elapsed();
    let edited = state::edited_stubs(root);
    let width = id_width(manifest);
    println!(
        "    {:<width$}  {:<16}  {:>5}  first failure",
        "exercise", "state", "tests"
    );
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for (n, exercise) in manifest.exercises.iter().enumerate() {
        let (state, run) = &states[&exercise.id];
        let label = label(state, exercise, edited.as_ref());
        *counts.entry(label).or_default() += 1;
        let (tests, first) = match run {
            Some(run) => {
                let passed = run.with_status(Status::Passed).count();
                let mut failed: Vec<&str> = run
                    .with_status(Status::Failed)
                    .map(|o| o.name.as_str())
                    .collect();
                failed.sort_unstable();
                let known = mistakes::known(root, &exercise.id);
                let verdict = (exercise.kind == Kind::WriteTests)
                    .then(|| report::grading(run))
                    .flatten();
                let first = match (mistakes::recognise(&known, run).first(), verdict) {
                    // A classic mistake says more than a test's name.
                    (Some(mistake), _) => format!("looks like: {}", mistake.summary),
                    (None, _) if label == "not started" => String::new(),
                    // So does, in a write-tests exercise, how many hidden
                    // bugs the learner's tests caught.
                    (None, Some(verdict)) => verdict,
                    (None, None) => failed.first().copied().unwrap_or("").to_owned(),
                };
                (format!("{passed}/{}", run.outcomes.len()), first)
            }
            None => ("–".to_owned(), String::new()),
        };
        let mark = if state.is_done() { "✓" } else { " " };
        println!(
            "{mark}{:>2}. {:<width$}  {label:<16}  {tests:>5}  {first}",
            n + 1,
            exercise.id,
        );
    }
    let total = manifest.exercises.len();
    let done = counts.get("done").copied().unwrap_or(0);
    let others: Vec<String> = counts
        .iter()
        .filter(|(label, _)| **label != "done")
        .map(|(label, n)| format!("{n} {label}"))
        .collect();
    println!(
        "\n{done} of {total} exercises done{}{} (every suite run again in {:.0} s). \
         `cargo run -- test <id>` shows an exercise's failures.",
        if others.is_empty() { "" } else { "; " },
        others.join(", "),
        took.as_secs_f64()
    );
    Ok(if done == total { 0 } else { 1 })
}

/// `cargo run -- status --json`: the same, for an instructor's script.
pub fn status_json(root: &Path, manifest: &Manifest) -> Result<()> {
    let mut progress = Progress::load(root)?;
    let all: Vec<&Exercise> = manifest.exercises.iter().collect();
    let states = measure(root, &mut progress, &all, Budgets::from_env())?;
    let edited = state::edited_stubs(root);
    let exercises: Vec<_> = manifest
        .exercises
        .iter()
        .map(|e| {
            json!({
                "id": e.id,
                "title": e.title,
                "state": label(&states[&e.id].0, e, edited.as_ref()),
                "hints_shown": progress.entries.get(&e.id).map_or(0, |p| p.hints_shown),
                "file": e.stub(),
            })
        })
        .collect();
    let done = states.values().filter(|(s, _)| s.is_done()).count();
    let (learner, machine) = who();
    let report = json!({
        "learner": learner,
        "machine": machine,
        "at": humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
        "done": done,
        "total": manifest.exercises.len(),
        "next": next(manifest, &states).map(|e| e.id.clone()),
        "exercises": exercises,
    });
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}

/// An exercise's state as a word: "not started" for one that fails with its
/// file as shipped (unchanged since git's `HEAD`), or does not compile when
/// that is how it is shipped, else the state's label.
fn label(state: &State, exercise: &Exercise, edited: Option<&Vec<PathBuf>>) -> &'static str {
    let untouched = edited.is_some_and(|edited| !edited.contains(&exercise.stub()));
    let as_shipped = match state {
        State::Ran(Outcome::Failed) => true,
        State::NotBuilt(_) => exercise.stub_compile_error.is_some(),
        _ => false,
    };
    if untouched && as_shipped {
        "not started"
    } else {
        state.label()
    }
}

/// Who and where, for an instructor collecting the JSON of a room:
/// `ASYNCLINGS_LEARNER` or else git's `user.name`, and the machine's name.
/// `ASYNCLINGS_ANONYMOUS=1` leaves both out (null).
fn who() -> (Option<String>, Option<String>) {
    if std::env::var_os("ASYNCLINGS_ANONYMOUS").is_some_and(|v| !v.is_empty() && v != "0") {
        return (None, None);
    }
    let learner = std::env::var("ASYNCLINGS_LEARNER").ok().or_else(|| {
        let output = Command::new("git")
            .args(["config", "user.name"])
            .output()
            .ok()?;
        Some(String::from_utf8_lossy(&output.stdout).trim().to_owned())
    });
    let learner = learner.filter(|name| !name.is_empty());
    (learner, machine_name())
}

fn machine_name() -> Option<String> {
    #[cfg(unix)]
    {
        nix::unistd::gethostname()
            .ok()
            .map(|name| name.to_string_lossy().into_owned())
    }
    #[cfg(not(unix))]
    {
        std::env::var("COMPUTERNAME").ok()
    }
}
