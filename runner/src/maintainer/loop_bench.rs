//! `cargo run -- loop-bench` (alias `cargo bench-loop`): the learner's
//! edit -> test loop, timed beside rustlings' own, alternating the commands in
//! one run, and written to `book/src/measured/loop.md` for the Performance
//! chapter.
//!
//! It works on throwaway copies under `target/loop-bench/`, never on the
//! maintainer's files:
//!
//! - `asynclings/`: this repository as committed (`git archive HEAD`), so
//!   every stub is as shipped, with its own target folder;
//! - `rustlings/`: a fresh `rustlings init` (rustlings 6.5, installed into
//!   `target/loop-bench/tools` if it is not on `PATH`). `rustlings init`
//!   adds itself to the Cargo workspace it finds above it, so it runs inside
//!   a workspace of its own (`target/loop-bench/Cargo.toml`), never ours.
//!
//! Every command runs with `RUST_BACKTRACE` unset, as in a fresh shell: a
//! backtrace for each failing test costs a suite tens of milliseconds.

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, Result, bail, ensure};

use crate::maintainer::bench_report::machine;
use crate::manifest::Manifest;
use crate::suite::{self, env_cargo};

/// rustlings' version, as the issue that asked for the comparison measured.
const RUSTLINGS: &str = "6.5.0";

/// The rustlings exercise that the comparison touches: as shipped, it does not
/// compile, so rustlings' loop ends at the compiler's error.
const RUSTLINGS_ERROR: &str = "exercises/20_threads/threads1.rs";
/// A rustlings exercise that compiles and runs as shipped.
const RUSTLINGS_RUNS: &str = "exercises/00_intro/intro1.rs";

/// The exercise used where one stands for all.
const OURS: &str = "range_stream";

pub fn loop_bench(
    root: &Path,
    manifest: &Manifest,
    rounds: usize,
    against: Option<&str>,
) -> Result<()> {
    ensure!(rounds >= 3, "use at least 3 rounds");
    let work = root.join("target/loop-bench");
    let ours = copy_of(root, "HEAD", &work.join("asynclings"))?;
    let before = match against {
        Some(rev) => Some(copy_of(root, rev, &work.join("before"))?),
        None => None,
    };
    let rustlings = rustlings(&work)?;

    eprintln!("warming up (the first builds take a few minutes)…");
    let test = |dir: &Path, id: &str| cargo(dir, &["test", "-q", "--test", id]);
    run_quietly(cargo(&ours, &["test", "--no-run"]))?;
    let runner = ["build", "--manifest-path", "runner/Cargo.toml"];
    run_quietly(cargo(&ours, &runner))?;
    if let Some(before) = &before {
        run_quietly(cargo(before, &["test", "--no-run"]))?;
    }
    run_quietly(rustlings_run(&rustlings, RUSTLINGS_ERROR))?;
    run_quietly(rustlings_run(&rustlings, RUSTLINGS_RUNS))?;

    // rustlings' loop on an exercise that does not compile as shipped.
    let theirs = || {
        let command = rustlings_run(&rustlings, RUSTLINGS_ERROR);
        Step::touch(&rustlings.dir, RUSTLINGS_ERROR, command)
    };
    let mut rows = Vec::new();
    for exercise in &manifest.exercises {
        let id = &exercise.id;
        let stub = format!("exercises/src/{id}.rs");
        let mine = Step::touch(&ours, &stub, test(&ours, id));
        let row = match &before {
            // Not for an exercise that the earlier revision does not have.
            Some(before) if before.join(&stub).is_file() => {
                let old = Step::touch(before, &stub, test(before, id));
                let [mine, old, theirs] = alternate(rounds, [mine, old, theirs()])?;
                Row::new(id, mine, Some(old), theirs)
            }
            _ => {
                let [mine, theirs] = alternate(rounds, [mine, theirs()])?;
                Row::new(id, mine, None, theirs)
            }
        };
        eprintln!(
            "  {id}: {:.0} ms, rustlings {:.0} ms",
            ms(row.ours),
            ms(row.rustlings)
        );
        rows.push(row);
    }

    // The same situation on both sides.
    let stub = format!("exercises/src/{OURS}.rs");
    let shipped = fs::read_to_string(ours.join(&stub))?;
    let broken = shipped.replacen(
        "todo!(",
        "let _not_a_number: u32 = \"forty-two\";\n        todo!(",
        1,
    );
    ensure!(broken != shipped, "{stub} has no todo!() to break");
    fs::write(ours.join(&stub), &broken)?;
    let mine = Step::touch(&ours, &stub, test(&ours, OURS));
    let compile_error = alternate(rounds, [mine, theirs()]);
    fs::write(ours.join(&stub), &shipped)?;
    let compile_error = compile_error?;

    let runs = || rustlings_run(&rustlings, RUSTLINGS_RUNS);
    let compiles = alternate(
        rounds,
        [
            Step::touch(&ours, &stub, test(&ours, OURS)),
            Step::touch(&rustlings.dir, RUSTLINGS_RUNS, runs()),
        ],
    )?;
    let edits = alternate(
        rounds,
        [
            Step::edit(&ours, &stub, "todo!(\"", test(&ours, OURS)),
            Step::edit(&rustlings.dir, RUSTLINGS_RUNS, "println!(\"", runs()),
        ],
    );
    fs::write(ours.join(&stub), &shipped)?;
    let edits = edits?;

    let mut runner = Command::new(target_of(&ours).join("debug/asynclings-runner"));
    runner
        .current_dir(&ours)
        .args(["test", OURS])
        .env("CARGO_TARGET_DIR", target_of(&ours))
        .env_remove("RUST_BACKTRACE");
    // Started as `cargo run` starts it (and so `watch`), with the loader's
    // path to the suites' shared libraries already set: the runner then has
    // nothing to look up before it starts a suite.
    if let Some((var, value)) = suite::library_path(&target_of(&ours).join("debug/deps")) {
        runner.env(var, value);
    }
    let cargo_run = cargo(&ours, &["run", "-q", "--", "test", OURS]);
    let runner = alternate(
        rounds,
        [
            Step::touch(&ours, &stub, test(&ours, OURS)),
            Step::touch(&ours, &stub, runner),
            Step::touch(&ours, &stub, cargo_run),
        ],
    )?;

    let report = Report {
        machine: machine(),
        rustlings: rustlings_version(&rustlings),
        against: against.map(str::to_owned),
        rounds,
        rows,
        compile_error,
        compiles,
        edits,
        runner,
    };
    let out = root.join("book/src/measured/loop.md");
    fs::write(&out, report.markdown())?;
    println!("{}", report.markdown());
    eprintln!("written to {}", out.display());
    Ok(())
}

/// One timed command and what to do to the file before it.
struct Step {
    file: PathBuf,
    change: Change,
    command: Command,
}

enum Change {
    /// Set the file's modification time, as `touch` does.
    Touch,
    /// Toggle an `x` after the first `marker`: the content changes, the
    /// lines do not.
    Edit(&'static str),
}

impl Step {
    fn touch(dir: &Path, file: &str, command: Command) -> Self {
        Self {
            file: dir.join(file),
            change: Change::Touch,
            command,
        }
    }

    fn edit(dir: &Path, file: &str, marker: &'static str, command: Command) -> Self {
        Self {
            file: dir.join(file),
            change: Change::Edit(marker),
            command,
        }
    }

    /// Changes the file, then runs the command; returns how long the command
    /// took (the change itself is not timed).
    fn time(&mut self) -> Result<Duration> {
        match self.change {
            Change::Touch => File::options()
                .append(true)
                .open(&self.file)?
                .set_modified(SystemTime::now())?,
            Change::Edit(marker) => {
                let text = fs::read_to_string(&self.file)?;
                let edited = format!("{marker}x");
                let text = if text.contains(&edited) {
                    text.replacen(&edited, marker, 1)
                } else {
                    ensure!(
                        text.contains(marker),
                        "no `{marker}` in {}",
                        self.file.display()
                    );
                    text.replacen(marker, &edited, 1)
                };
                fs::write(&self.file, text)?;
            }
        }
        let start = Instant::now();
        self.command
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .with_context(|| format!("running {:?}", self.command))?;
        Ok(start.elapsed())
    }
}

/// Runs the steps in turn, `rounds` times, and returns the median time of
/// each. Alternating spreads whatever else the machine does over all of them.
fn alternate<const N: usize>(rounds: usize, mut steps: [Step; N]) -> Result<[Duration; N]> {
    let mut times: [Vec<Duration>; N] = std::array::from_fn(|_| Vec::new());
    for _ in 0..rounds {
        for (step, times) in steps.iter_mut().zip(&mut times) {
            times.push(step.time()?);
        }
    }
    Ok(times.map(|mut times| {
        times.sort();
        times[times.len() / 2]
    }))
}

/// `cargo args` in the copy `dir`. Its target folder is beside it, outside
/// the `checkout` that is extracted afresh each run, so only the first run
/// builds everything.
fn cargo(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env_cargo());
    command
        .current_dir(dir)
        .args(args)
        .env("CARGO_TARGET_DIR", target_of(dir))
        .env_remove("RUST_BACKTRACE");
    command
}

fn target_of(checkout: &Path) -> PathBuf {
    checkout.parent().unwrap_or(checkout).join("target")
}

fn rustlings_run(rustlings: &Rustlings, file: &str) -> Command {
    let name = Path::new(file)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    let mut command = Command::new(&rustlings.binary);
    command
        .current_dir(&rustlings.dir)
        .args(["run", name])
        .env_remove("RUST_BACKTRACE");
    command
}

/// Runs `command` once, for its side effects (a build); its exit code does
/// not matter (a rustlings exercise as shipped fails).
fn run_quietly(mut command: Command) -> Result<()> {
    command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .with_context(|| format!("running {command:?}"))?;
    Ok(())
}

/// `dir/checkout`, holding the files of the git revision `rev`
/// (re-extracted every time, so that an earlier interrupted run leaves no
/// edited stub behind).
fn copy_of(root: &Path, rev: &str, dir: &Path) -> Result<PathBuf> {
    let checkout = dir.join("checkout");
    if checkout.exists() {
        fs::remove_dir_all(&checkout)?;
    }
    fs::create_dir_all(&checkout)?;
    let archive = Command::new("git")
        .current_dir(root)
        .args(["archive", "--format=tar", rev])
        .stdout(Stdio::piped())
        .spawn()
        .context("running git archive (loop-bench needs git and tar)")?;
    let status = Command::new("tar")
        .current_dir(&checkout)
        .arg("-x")
        .stdin(archive.stdout.context("git archive's output")?)
        .status()
        .context("running tar")?;
    ensure!(
        status.success(),
        "extracting {rev} into {} failed (is it a revision of this repository?)",
        checkout.display()
    );
    Ok(checkout)
}

struct Rustlings {
    binary: PathBuf,
    dir: PathBuf,
}

/// rustlings, installed if need be, and a fresh `rustlings init`.
fn rustlings(work: &Path) -> Result<Rustlings> {
    let on_path = Command::new("rustlings")
        .arg("--version")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).contains(RUSTLINGS));
    let binary = if on_path {
        PathBuf::from("rustlings")
    } else {
        let tools = work.join("tools");
        let binary = tools.join("bin/rustlings");
        if !binary.is_file() {
            eprintln!(
                "installing rustlings {RUSTLINGS} into {} (a minute or two)…",
                tools.display()
            );
            let status = Command::new(env_cargo())
                .args([
                    "install",
                    "--locked",
                    "--quiet",
                    "rustlings",
                    "--version",
                    RUSTLINGS,
                ])
                .arg("--root")
                .arg(&tools)
                .status()
                .context("running cargo install")?;
            ensure!(status.success(), "`cargo install rustlings` failed");
        }
        binary
    };
    // `rustlings init` joins the Cargo workspace above it: give it one of its own.
    let home = work.join("rustlings-home");
    if home.exists() {
        fs::remove_dir_all(&home)?;
    }
    fs::create_dir_all(&home)?;
    fs::write(
        home.join("Cargo.toml"),
        "[workspace]\nmembers = []\nresolver = \"3\"\n",
    )?;
    let output = Command::new(&binary)
        .current_dir(&home)
        .arg("init")
        .stdin(Stdio::null())
        .output()
        .context("running rustlings init")?;
    let dir = home.join("rustlings");
    if !dir.join(RUSTLINGS_ERROR).is_file() {
        bail!(
            "`rustlings init` made no {}:\n{}",
            dir.join(RUSTLINGS_ERROR).display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(Rustlings { binary, dir })
}

fn rustlings_version(rustlings: &Rustlings) -> String {
    Command::new(&rustlings.binary)
        .arg("--version")
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned())
        .unwrap_or_else(|_| format!("rustlings {RUSTLINGS}"))
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// One exercise: ours, the earlier revision's (if measured), and rustlings'
/// in the same rounds.
struct Row {
    id: String,
    ours: Duration,
    before: Option<Duration>,
    rustlings: Duration,
}

impl Row {
    fn new(id: &str, ours: Duration, before: Option<Duration>, rustlings: Duration) -> Self {
        Self {
            id: id.to_owned(),
            ours,
            before,
            rustlings,
        }
    }
}

/// What one run measured.
struct Report {
    machine: String,
    rustlings: String,
    /// The earlier revision measured beside this one, if any.
    against: Option<String>,
    rounds: usize,
    rows: Vec<Row>,
    compile_error: [Duration; 2],
    compiles: [Duration; 2],
    edits: [Duration; 2],
    /// Plain cargo, the runner's binary, `cargo run -- test`.
    runner: [Duration; 3],
}

impl Report {
    fn markdown(&self) -> String {
        let ratio = |ours: Duration, theirs: Duration| ours.as_secs_f64() / theirs.as_secs_f64();
        let mut out = format!(
            "<!-- Generated by `cargo run -- loop-bench`. Do not edit: run `cargo bench-loop` \
             to measure again. -->\n\n\
             > Measured on {}, against {}; each time is the median of {} runs, the commands \
             taking turns in one run; `RUST_BACKTRACE` unset. Regenerate with \
             `cargo bench-loop`.\n\n",
            self.machine, self.rustlings, self.rounds
        );
        let before = self
            .against
            .as_deref()
            .map_or(String::new(), |rev| format!(" before (`{rev}`) |"));
        out.push_str(&format!(
            "**Each exercise as shipped**, touched and tested (`touch exercises/src/<id>.rs && \
             cargo test -q --test <id>`), beside rustlings' `touch \
             exercises/20_threads/threads1.rs && rustlings run threads1` in the same \
             rounds:\n\n\
             | exercise |{before} asynclings | rustlings | asynclings / rustlings |\n\
             |---|{}---:|---:|---:|\n",
            if before.is_empty() { "" } else { "---:|" }
        ));
        for row in &self.rows {
            let before = match (&self.against, row.before) {
                (None, _) => String::new(),
                (Some(_), Some(old)) => format!(" {:.0} ms |", ms(old)),
                (Some(_), None) => " (not there yet) |".into(),
            };
            out.push_str(&format!(
                "| `{}` |{before} {:.0} ms | {:.0} ms | {:.2} |\n",
                row.id,
                ms(row.ours),
                ms(row.rustlings),
                ratio(row.ours, row.rustlings)
            ));
        }
        out.push_str(&format!(
            "\n**The same situation on both sides** (`{OURS}` for asynclings):\n\n\
             | situation | asynclings | rustlings | ratio |\n\
             |---|---:|---:|---:|\n"
        ));
        let rows = [
            (
                "the file does not compile (ours: a type error added; rustlings: `threads1` \
                 as shipped)",
                self.compile_error,
            ),
            (
                "the file compiles, is touched and run (ours: the stub, its tests fail; \
                 rustlings: `intro1`)",
                self.compiles,
            ),
            (
                "the file is edited (a string changed) and run (ours: the stub; rustlings: \
                 `intro1`)",
                self.edits,
            ),
        ];
        for (what, [ours, theirs]) in rows {
            out.push_str(&format!(
                "| {what} | {:.0} ms | {:.0} ms | {:.2} |\n",
                ms(ours),
                ms(theirs),
                ratio(ours, theirs)
            ));
        }
        let [plain, runner, cargo_run] = self.runner;
        out.push_str(&format!(
            "\n**The runner** on the same loop (`{OURS}`, touched):\n\n\
             | command | time | ratio to plain cargo |\n\
             |---|---:|---:|\n\
             | `cargo test -q --test {OURS}` | {:.0} ms | 1.00 |\n\
             | `asynclings-runner test {OURS}` (what `watch` does on every save) | {:.0} ms | \
             {:.2} |\n\
             | `cargo run -q -- test {OURS}` | {:.0} ms | {:.2} |\n",
            ms(plain),
            ms(runner),
            ratio(runner, plain),
            ms(cargo_run),
            ratio(cargo_run, plain)
        ));
        out
    }
}
