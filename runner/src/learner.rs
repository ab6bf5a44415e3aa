//! The learner's and the instructor's commands: status, list, test, hint,
//! reset, solution, prepare, doctor. (`watch` is in `watch.rs`.)
//!
//! Every command reads the manifest; adding an exercise stays one entry in
//! `exercises.toml`. Results are cached in the progress file by a fingerprint
//! of the files they depend on, so `cargo run` answers at once when nothing
//! changed and runs exactly the suites whose files did.

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail};
use serde_json::json;

use crate::manifest::{Exercise, Manifest};
use crate::progress::{Outcome, PROGRESS_FILE, Progress};
use crate::suite::{self, Build, Run, Status};

/// Where `reset` keeps the learner's work before it restores a stub.
pub const BACKUP_DIR: &str = ".asynclings-backups";

/// A mistake in how the runner was called: an unknown id, a missing file, the
/// wrong folder. It exits with code 2.
#[derive(Debug)]
pub struct Usage(pub String);

impl fmt::Display for Usage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Usage {}

/// Exit codes beyond 0 (success), 1 (a suite failed) and 2 (usage).
pub const EXIT_HUNG: u8 = 3;

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
    let targets: Vec<&str> = stale.iter().map(|e| e.id.as_str()).collect();
    let (mut told_deps, mut told_suites) = (false, false);
    let never = std::sync::atomic::AtomicBool::new(false);
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
    let builds: Vec<(&Exercise, Build)> = match build {
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
    };
    for (exercise, build) in builds {
        let binary = match &build {
            Build::Built(binaries) => binaries.get(&exercise.id).with_context(|| {
                format!("cargo built no test binary for tests/{}.rs", exercise.id)
            })?,
            trouble => {
                let note = not_built(trouble, budgets);
                states.insert(exercise.id.clone(), (State::NotBuilt(note), None));
                continue;
            }
        };
        let run = suite::run(binary, root, budgets.run)?;
        let outcome = outcome(&run);
        progress.record(root, exercise, outcome);
        states.insert(exercise.id.clone(), (State::Ran(outcome), Some(run)));
    }
    progress.save()?;
    Ok(states)
}

/// What to tell the learner about a build that did not produce the suites.
pub fn not_built(build: &Build, budgets: Budgets) -> String {
    match build {
        Build::Built(_) => "the suite was built".into(),
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

/// The compiler's first error, with its location, from cargo's output.
pub fn first_error(messages: &str) -> String {
    let lines: Vec<&str> = messages.lines().collect();
    let Some(start) = lines.iter().position(|line| line.starts_with("error")) else {
        return messages
            .lines()
            .rev()
            .take(5)
            .collect::<Vec<_>>()
            .join("\n");
    };
    lines[start..]
        .iter()
        .take_while(|line| !line.is_empty())
        .take(12)
        .copied()
        .collect::<Vec<_>>()
        .join("\n")
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
            println!("  read   {}", exercise.book_page().display());
            println!("  test   {}", exercise.test_command());
            println!("  watch  cargo run -- watch   (re-runs the tests on every save)");
            if let State::NotBuilt(error) = state {
                println!("\nIt does not compile yet:\n{error}");
            }
        }
    }
    Ok(())
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
    let width = manifest
        .exercises
        .iter()
        .map(|e| e.id.len())
        .max()
        .unwrap_or(0);
    for (n, exercise) in manifest.exercises.iter().enumerate() {
        let state = &states[&exercise.id].0;
        let mark = if state.is_done() { "✓" } else { " " };
        println!(
            "{mark} {:>2}. {:<width$}  {:<16}  {}",
            n + 1,
            exercise.id,
            state.label(),
            exercise.title
        );
    }
    Ok(())
}

/// `cargo run -- status --json`: the same, for an instructor's script.
pub fn status_json(root: &Path, manifest: &Manifest) -> Result<()> {
    let mut progress = Progress::load(root)?;
    let all: Vec<&Exercise> = manifest.exercises.iter().collect();
    let states = measure(root, &mut progress, &all, Budgets::from_env())?;
    let exercises: Vec<_> = manifest
        .exercises
        .iter()
        .map(|e| {
            json!({
                "id": e.id,
                "title": e.title,
                "state": states[&e.id].0.label(),
                "hints_shown": progress.entries.get(&e.id).map_or(0, |p| p.hints_shown),
                "file": e.stub(),
            })
        })
        .collect();
    let done = states.values().filter(|(s, _)| s.is_done()).count();
    let report = json!({
        "done": done,
        "total": manifest.exercises.len(),
        "next": next(manifest, &states).map(|e| e.id.clone()),
        "exercises": exercises,
    });
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}

/// `cargo run -- test <id>`: one suite, with a short summary. Returns the
/// process exit code: 0 passed, 1 failed or did not compile, 3 hung.
pub fn test(root: &Path, manifest: &Manifest, id: &str, full: bool) -> Result<u8> {
    let exercise = resolve(manifest, id)?;
    let mut progress = Progress::load(root)?;
    // Always run: the learner asked for it, and wants to see the messages.
    progress.entry(&exercise.id).fingerprint.clear();
    let mut states = measure(root, &mut progress, &[exercise], Budgets::from_env())?;
    let (state, run) = states.remove(&exercise.id).expect("measured");
    print!("{}", report(exercise, &state, run.as_ref(), full));
    if state.is_done()
        && let Some(next) = next_after(manifest, exercise)
    {
        println!(
            "Next: {} ({}): {}",
            next.title,
            next.id,
            next.stub().display()
        );
    }
    Ok(match state {
        State::Ran(Outcome::Passed) => 0,
        State::Ran(Outcome::Hung) => EXIT_HUNG,
        _ => 1,
    })
}

fn next_after<'m>(manifest: &'m Manifest, exercise: &Exercise) -> Option<&'m Exercise> {
    let position = manifest
        .exercises
        .iter()
        .position(|e| e.id == exercise.id)?;
    manifest.exercises.get(position + 1)
}

/// What a learner should read about one run of a suite: each failing test
/// and its message, or the whole output if `full`.
pub fn report(exercise: &Exercise, state: &State, run: Option<&Run>, full: bool) -> String {
    let mut out = String::new();
    let id = &exercise.id;
    match state {
        State::NotBuilt(error) => {
            out.push_str(&format!(
                "✗ {id}: the code does not compile yet.\n\n{error}\n"
            ));
        }
        State::Ran(Outcome::Hung) => {
            let limit = Budgets::from_env().run.as_secs();
            out.push_str(&format!(
                "⧗ {id}: HUNG. The suite was still running after {limit}s and was stopped.\n\n\
                 Something in your code never finished, and the suite's own watchdogs could not \
                 catch it. The usual causes, and how to tell them apart:\n\
                 - a busy loop: something polls or loops without end (a `loop` that never \
                 breaks, a future that wakes itself and returns Pending forever). A CPU core \
                 sat at 100% while it ran.\n\
                 - a lost wake-up: a poll returned Pending and nothing will ever wake the task, \
                 so whoever waits for it (here, a test) waits forever. The CPU stayed idle.\n\
                 - a deadlock: a lock taken twice, or a blocking call (`std::thread::sleep`, a \
                 std channel's `recv`, `join`) waiting for something that cannot happen. Also \
                 idle.\n"
            ));
            if let Some(run) = run {
                let finished: Vec<_> = run.outcomes.iter().map(|o| o.name.as_str()).collect();
                if !finished.is_empty() {
                    out.push_str(&format!(
                        "\nThese tests finished before it was stopped: {}\n",
                        finished.join(", ")
                    ));
                }
            }
        }
        State::Ran(outcome) => {
            let Some(run) = run else {
                out.push_str(&format!("{id}: {}\n", state.label()));
                return out;
            };
            if full {
                out.push_str(&run.stdout);
                out.push('\n');
            }
            let failed: Vec<_> = run.with_status(Status::Failed).collect();
            let total = run.outcomes.len();
            if *outcome == Outcome::Passed {
                out.push_str(&format!("✓ {id}: all {total} tests pass.\n"));
            } else {
                out.push_str(&format!(
                    "✗ {id}: {} of {total} tests fail.\n\n",
                    failed.len()
                ));
                if !full {
                    let mut seen: Vec<Vec<String>> = Vec::new();
                    for outcome in &failed {
                        out.push_str(&format!("✗ {}\n", outcome.name));
                        let message = message_lines(&outcome.output);
                        if seen.contains(&message) {
                            out.push_str("    (the same message as above)\n\n");
                            continue;
                        }
                        for line in &message {
                            out.push_str(&format!("    {line}\n"));
                        }
                        out.push('\n');
                        seen.push(message);
                    }
                    out.push_str(&format!(
                        "Read the first failure first. The whole output: `cargo run -- test {id} \
                         --full` (or `{}`).\n",
                        exercise.test_command()
                    ));
                }
            }
        }
    }
    out
}

/// The useful part of a failed test's output: where it panicked and the
/// message, without the thread's name or backtrace notes.
fn message_lines(output: &str) -> Vec<String> {
    output
        .lines()
        .filter(|line| {
            !line.starts_with("note: run with `RUST_BACKTRACE")
                && !line.starts_with("stack backtrace:")
                && !line.trim().is_empty()
        })
        .take(20)
        .map(|line| match line.split_once(" panicked at ") {
            Some((thread, location)) if thread.starts_with("thread '") => {
                format!("panicked at {location}")
            }
            _ => line.to_owned(),
        })
        .collect()
}

/// `cargo run -- hint <id>`: the next of the three hints, remembered.
pub fn hint(root: &Path, manifest: &Manifest, id: &str) -> Result<()> {
    let exercise = resolve(manifest, id)?;
    let mut progress = Progress::load(root)?;
    let entry = progress.entry(&exercise.id);
    let labels = ["a nudge", "the concept", "nearly the answer"];
    if entry.hints_shown >= exercise.hints.len() {
        println!("All three hints for `{}` have been shown:\n", exercise.id);
        for (n, hint) in exercise.hints.iter().enumerate() {
            println!("Hint {} of 3 ({}):\n{hint}\n", n + 1, labels[n]);
        }
        println!(
            "Still stuck? Read {}; once the exercise passes, `cargo run -- solution {}` \
             shows the reference.",
            exercise.book_page().display(),
            exercise.id
        );
        return Ok(());
    }
    let n = entry.hints_shown;
    entry.hints_shown += 1;
    println!(
        "Hint {} of 3 for `{}` ({}):\n\n{}\n",
        n + 1,
        exercise.id,
        labels[n],
        exercise.hints[n]
    );
    if n + 1 < exercise.hints.len() {
        println!("(Run the same command again for the next one.)");
    }
    progress.save()
}

/// The stub as it was shipped: the version in git's `HEAD`.
fn pristine(root: &Path, exercise: &Exercise) -> Result<String> {
    let spec = format!("HEAD:{}", exercise.stub().display());
    let output = Command::new("git")
        .current_dir(root)
        .args(["show", &spec])
        .output()
        .context("running git (reset needs a git checkout of asynclings)")?;
    if !output.status.success() {
        bail!(
            "git has no {} in HEAD: {}",
            exercise.stub().display(),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(String::from_utf8(output.stdout)?)
}

/// `cargo run -- reset <id>` / `--all`: restores stubs, keeping a backup of
/// whatever is replaced.
pub fn reset(root: &Path, manifest: &Manifest, id: Option<&str>) -> Result<()> {
    let exercises: Vec<&Exercise> = match id {
        Some(id) => vec![resolve(manifest, id)?],
        None => manifest.exercises.iter().collect(),
    };
    let stamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut restored = 0;
    for exercise in exercises {
        let original = pristine(root, exercise)?;
        let path = root.join(exercise.stub());
        let current = fs::read_to_string(&path).ok();
        if current.as_deref() == Some(original.as_str()) {
            continue;
        }
        if let Some(current) = current {
            // Never overwrite an earlier backup, even one from this second.
            let backup = (0..)
                .map(|n| match n {
                    0 => format!("{}.{stamp}.rs", exercise.id),
                    n => format!("{}.{stamp}-{n}.rs", exercise.id),
                })
                .map(|name| Path::new(BACKUP_DIR).join(name))
                .find(|backup| !root.join(backup).exists())
                .expect("some name is free");
            fs::create_dir_all(root.join(BACKUP_DIR))?;
            fs::write(root.join(&backup), current)?;
            println!(
                "{}: your version is saved in {}",
                exercise.id,
                backup.display()
            );
        }
        fs::write(&path, original)?;
        println!("{}: restored {}", exercise.id, exercise.stub().display());
        restored += 1;
    }
    if restored == 0 {
        println!("Nothing to reset: the stub(s) are as shipped.");
    }
    Ok(())
}

/// `cargo run -- solution <id>`: the reference, once the exercise passes.
pub fn solution(root: &Path, manifest: &Manifest, id: &str, force: bool) -> Result<u8> {
    let exercise = resolve(manifest, id)?;
    if !force {
        let mut progress = Progress::load(root)?;
        let states = measure(root, &mut progress, &[exercise], Budgets::from_env())?;
        if !states[&exercise.id].0.is_done() {
            println!(
                "`{}` does not pass yet, so its solution stays hidden: solving it is the \
                 exercise. Try `cargo run -- hint {}`. (Instructors: `--force`.)",
                exercise.id, exercise.id
            );
            return Ok(1);
        }
    }
    let path = exercise.solution();
    let text = fs::read_to_string(root.join(&path))?;
    println!("// {}\n{text}", path.display());
    Ok(0)
}

/// `cargo run -- prepare`: builds everything a workshop needs, so the first
/// loop is fast and nothing needs the network afterwards.
pub fn prepare(root: &Path) -> Result<()> {
    let steps: [(&str, &[&str]); 2] = [
        ("the suites, against the exercises", &["test", "--no-run"]),
        (
            "the suites, against the solutions",
            &["test", "--no-run", "--features", "solutions"],
        ),
    ];
    for (what, args) in steps {
        println!("building {what}: cargo {}", args.join(" "));
        let status = Command::new(suite::env_cargo())
            .current_dir(root)
            .args(args)
            .status()?;
        if !status.success() {
            bail!("`cargo {}` failed", args.join(" "));
        }
    }
    if mdbook_version().is_some() {
        println!("building the book: mdbook build book");
        let status = Command::new("mdbook")
            .current_dir(root)
            .args(["build", "book"])
            .status()?;
        if !status.success() {
            bail!("`mdbook build book` failed");
        }
        println!("The book is in book/book/index.html.");
    } else {
        println!(
            "(mdbook is not installed: the book was not built. `cargo run -- doctor` says how.)"
        );
    }
    println!("\nReady: everything is built, and the exercises now work offline.");
    Ok(())
}

fn mdbook_version() -> Option<String> {
    let output = Command::new("mdbook").arg("--version").output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// `cargo run -- doctor`: what is installed, what is missing, how to fix it.
/// Returns 0 if everything a learner needs is there.
pub fn doctor(root: &Path, manifest: &Manifest) -> Result<u8> {
    let mut problems = 0;
    let mut check = |ok: bool, essential: bool, what: String, fix: &str| {
        let mark = if ok {
            "✓"
        } else if essential {
            "✗"
        } else {
            "!"
        };
        println!("{mark} {what}");
        if !ok {
            println!("    {fix}");
            if essential {
                problems += 1;
            }
        }
    };
    let rustc = Command::new("rustc")
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    let new_enough = rustc
        .as_deref()
        .and_then(rust_minor)
        .is_some_and(|minor| minor >= 88);
    check(
        new_enough,
        true,
        format!(
            "Rust 1.88 or newer: {}",
            rustc.as_deref().unwrap_or("rustc not found")
        ),
        "Install or update Rust with rustup (https://rustup.rs): `rustup update stable`.",
    );
    let mdbook = mdbook_version();
    check(
        mdbook.as_deref().is_some_and(|v| v.contains(" v0.5.")),
        false,
        format!(
            "mdBook 0.5, to build the book: {}",
            mdbook.as_deref().unwrap_or("not installed")
        ),
        "Optional (the book can also be read as Markdown in book/src): \
         `cargo install --locked mdbook --version 0.5.4` (a couple of minutes).",
    );
    let git = Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    check(
        git,
        false,
        "git, for `reset`".into(),
        "Install git; without it, `reset` cannot restore a stub.",
    );
    let missing = manifest.missing_files(root);
    check(
        missing.is_empty(),
        true,
        format!(
            "the exercises' files ({} exercises)",
            manifest.exercises.len()
        ),
        &missing.join("\n    "),
    );
    let unbuilt = unbuilt_suites(root, manifest);
    check(
        unbuilt.is_empty(),
        false,
        "every suite built ahead of time (works offline)".into(),
        &format!(
            "Not built yet: {}. Run `cargo run -- prepare` once, with network, before the \
             workshop.",
            unbuilt.join(", ")
        ),
    );
    if problems == 0 {
        println!("\nReady. Start with `cargo run`.");
        Ok(0)
    } else {
        println!("\n{problems} problem(s) to fix first.");
        Ok(1)
    }
}

/// The exercises whose suite has no test executable in the target folder yet
/// (cargo names it `<id>-<hash>` in `target/debug/deps`).
fn unbuilt_suites<'m>(root: &Path, manifest: &'m Manifest) -> Vec<&'m str> {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let names: Vec<String> = fs::read_dir(target.join("debug/deps"))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|entry| entry.path().extension().is_none())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    manifest
        .exercises
        .iter()
        .map(|e| e.id.as_str())
        .filter(|id| {
            !names.iter().any(|name| {
                name.strip_prefix(id)
                    .and_then(|rest| rest.strip_prefix('-'))
                    .is_some_and(|hash| hash.chars().all(|c| c.is_ascii_hexdigit()))
            })
        })
        .collect()
}

/// The minor version of `rustc 1.88.0 (…)`.
fn rust_minor(version: &str) -> Option<u32> {
    version
        .split_whitespace()
        .nth(1)?
        .split('.')
        .nth(1)?
        .parse()
        .ok()
}
