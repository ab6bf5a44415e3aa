//! Building the hidden suites and running them, with a time limit, into
//! per-test outcomes.

use std::collections::{BTreeMap, VecDeque};
use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use crate::process::Group;

/// Which crate the suites are compiled against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Against {
    /// The learner's `exercises` crate (the default).
    Exercises,
    /// The reference `solutions` crate (`--features solutions`).
    Solutions,
}

/// Builds the integration tests of the root package in `root` and returns the
/// executable of each, by test target name. `targets` narrows the build to
/// some suites; empty means all. Compiler output goes to the terminal.
pub fn build(root: &Path, against: Against, targets: &[&str]) -> Result<BTreeMap<String, PathBuf>> {
    let mut cargo = Command::new(env_cargo());
    cargo.current_dir(root).args([
        "test",
        "--no-run",
        "--message-format=json-render-diagnostics",
    ]);
    if targets.is_empty() {
        cargo.arg("--tests");
    }
    for target in targets {
        cargo.args(["--test", target]);
    }
    if against == Against::Solutions {
        cargo.args(["--features", "solutions"]);
    }
    let output = cargo
        .stderr(Stdio::inherit())
        .output()
        .context("running cargo")?;
    if !output.status.success() {
        bail!("`cargo test --no-run` failed: the suites do not compile ({against:?})");
    }
    Ok(test_executables(&String::from_utf8_lossy(&output.stdout)))
}

/// How a build with a time limit ended.
#[derive(Clone, Debug)]
pub enum Build {
    /// The executable of each suite, by test target name, and what the
    /// compiler said (its warnings).
    Built(BTreeMap<String, PathBuf>, String),
    /// The compiler said no: its messages, as it printed them.
    Failed(String),
    /// Still building after the budget: stopped.
    TimedOut,
    /// Stopped on request.
    Cancelled,
}

/// Builds the suites `targets` against the learner's exercises, within
/// `budget`, without printing the compiler's output (it is returned when the
/// build fails). `progress` is called with each line cargo prints, for a
/// caller that wants to show that something is happening. Setting `cancel`
/// stops the build.
pub fn build_quietly(
    root: &Path,
    targets: &[&str],
    budget: Duration,
    cancel: &AtomicBool,
    mut progress: impl FnMut(&str),
) -> Result<Build> {
    let mut cargo = Command::new(env_cargo());
    cargo.current_dir(root).args([
        "test",
        "--no-run",
        "--color=never",
        "--message-format=json-render-diagnostics",
    ]);
    for target in targets {
        cargo.args(["--test", target]);
    }
    let mut child = Group::spawn(
        cargo
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped()),
    )?;
    let stdout = read_in_background(child.child().stdout.take());
    // cargo's stderr carries its progress and the compiler's messages.
    let (line_tx, line_rx) = std::sync::mpsc::channel::<String>();
    let stderr = child.child().stderr.take();
    let stderr = thread::spawn(move || {
        let mut all = String::new();
        if let Some(stderr) = stderr {
            for line in std::io::BufReader::new(stderr)
                .lines()
                .map_while(Result::ok)
            {
                all.push_str(&line);
                all.push('\n');
                let _ = line_tx.send(line);
            }
        }
        all
    });
    let deadline = Instant::now() + budget;
    let status = loop {
        while let Ok(line) = line_rx.try_recv() {
            progress(&line);
        }
        if let Some(status) = child.wait_timeout(Duration::from_millis(50))? {
            break Some(status);
        }
        if Instant::now() >= deadline || cancel.load(Ordering::Relaxed) {
            child.kill();
            break None;
        }
    };
    while let Ok(line) = line_rx.try_recv() {
        progress(&line);
    }
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    let Some(status) = status else {
        return Ok(if cancel.load(Ordering::Relaxed) {
            Build::Cancelled
        } else {
            Build::TimedOut
        });
    };
    if !status.success() {
        return Ok(Build::Failed(stderr));
    }
    Ok(Build::Built(test_executables(&stdout), stderr))
}

/// The compiler's warnings about `file`, one line each (what and where),
/// from its rendered messages.
pub fn warnings_about(messages: &str, file: &Path) -> Vec<String> {
    let file = file.display().to_string();
    let mut warnings = Vec::new();
    let mut lines = messages.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(what) = line.strip_prefix("warning: ") else {
            continue;
        };
        // The location is on the next line: ` --> exercises/src/x.rs:29:42`.
        let Some(at) = lines
            .peek()
            .and_then(|next| next.trim_start().strip_prefix("--> "))
        else {
            continue;
        };
        if let Some(position) = at.strip_prefix(&file).and_then(|p| p.strip_prefix(':')) {
            let line_number = position.split(':').next().unwrap_or(position);
            let warning = format!("{what} (line {line_number})");
            if !warnings.contains(&warning) {
                warnings.push(warning);
            }
        }
    }
    warnings
}

/// The test executables in cargo's JSON messages, by target name.
pub fn test_executables(stdout: &str) -> BTreeMap<String, PathBuf> {
    let mut binaries = BTreeMap::new();
    for line in stdout.lines() {
        let Ok(artifact) = serde_json::from_str::<Artifact>(line) else {
            continue;
        };
        if artifact.reason == "compiler-artifact"
            && artifact.profile.is_some_and(|p| p.test)
            && artifact.target.kind.iter().any(|k| k == "test")
            && let Some(executable) = artifact.executable
        {
            binaries.insert(artifact.target.name, executable);
        }
    }
    binaries
}

/// The `cargo` that runs us, if we run under cargo; else the one on `PATH`.
pub fn env_cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

/// The variable the system's loader reads for where shared libraries are.
const LIBRARY_PATH: &str = if cfg!(windows) {
    "PATH"
} else if cfg!(target_os = "macos") {
    "DYLD_FALLBACK_LIBRARY_PATH"
} else {
    "LD_LIBRARY_PATH"
};

/// What a suite binary in `folder` needs in [`LIBRARY_PATH`] to start, if the
/// runner's own environment lacks it.
///
/// A suite links the shared helpers (`support`, with tokio and the other
/// dependencies in it) and the standard library as shared libraries, so
/// that an edit relinks only the suite's own code (see
/// `crates/support/Cargo.toml`). `cargo test` and `cargo run` tell the loader
/// where those are, and a runner started by `cargo run` passes that on; a
/// runner started any other way adds the suites' folder and the toolchain's
/// library folder here.
pub fn library_path(folder: &Path) -> Option<(&'static str, std::ffi::OsString)> {
    static TOOLCHAIN_LIBS: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    let current = std::env::var_os(LIBRARY_PATH).unwrap_or_default();
    let mut paths: Vec<PathBuf> = std::env::split_paths(&current).collect();
    if paths.iter().any(|p| p == folder) {
        return None;
    }
    let toolchain = TOOLCHAIN_LIBS.get_or_init(|| {
        let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
        let output = Command::new(rustc)
            .args(["--print", "target-libdir"])
            .output()
            .ok()?;
        let dir = String::from_utf8(output.stdout).ok()?;
        Some(PathBuf::from(dir.trim()))
    });
    paths.insert(0, folder.to_owned());
    paths.extend(toolchain.iter().cloned());
    Some((LIBRARY_PATH, std::env::join_paths(paths).ok()?))
}

/// A command that starts the suite `binary`, able to find its shared
/// libraries ([`library_path`]).
fn suite_command(binary: &Path) -> Command {
    let mut command = Command::new(binary);
    if let Some((var, value)) = binary.parent().and_then(library_path) {
        command.env(var, value);
    }
    command
}

/// One line of `cargo --message-format=json` (only the parts we read).
#[derive(Deserialize)]
struct Artifact {
    reason: String,
    #[serde(default)]
    target: Target,
    profile: Option<Profile>,
    executable: Option<PathBuf>,
}

#[derive(Deserialize, Default)]
struct Target {
    name: String,
    kind: Vec<String>,
}

#[derive(Deserialize)]
struct Profile {
    test: bool,
}

/// How one test ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Passed,
    Failed,
    Ignored,
}

/// One test of a suite run.
#[derive(Debug)]
pub struct Outcome {
    pub name: String,
    pub status: Status,
    /// What the test printed, with its panic message, if it failed.
    pub output: String,
}

/// A whole suite run.
#[derive(Debug)]
pub struct Run {
    pub outcomes: Vec<Outcome>,
    /// The binary did not finish within its time limit and was killed.
    pub timed_out: bool,
    /// It was stopped on request, before it finished.
    pub cancelled: bool,
    /// The binary's exit status was success.
    pub success: bool,
    pub elapsed: Duration,
    /// Everything it printed, for when the outcomes are not enough.
    pub stdout: String,
    /// What was seen of a run stopped at its time limit.
    pub hang: Option<Hang>,
    /// The compiler's warnings about the learner's file, one line each; set
    /// by whoever built the suite, and only once the file has been edited.
    pub warnings: Vec<String>,
}

#[cfg(test)]
impl Run {
    /// A finished, failed run with these outcomes (name, status, output):
    /// for the tests of what reads a run.
    pub fn of(outcomes: &[(&str, Status, &str)]) -> Run {
        Run {
            outcomes: outcomes
                .iter()
                .map(|&(name, status, output)| Outcome {
                    name: name.to_owned(),
                    status,
                    output: output.to_owned(),
                })
                .collect(),
            timed_out: false,
            cancelled: false,
            success: false,
            elapsed: Duration::ZERO,
            stdout: String::new(),
            hang: None,
            warnings: Vec::new(),
        }
    }
}

/// What the runner saw of a suite it had to stop: which tests had not
/// finished, and whether the process was burning CPU or sitting idle.
#[derive(Clone, Debug, Default)]
pub struct Hang {
    /// The tests that were running when it was stopped. libtest starts tests
    /// in name order, as many at a time as it has threads, so these are the
    /// first unfinished ones.
    pub running: Vec<String>,
    /// The tests that had not started yet.
    pub not_started: Vec<String>,
    /// How many CPU cores the suite kept busy over its last two seconds: about
    /// 1 or more is a busy loop, about 0 a wait that never ends. `None` where
    /// the runner cannot see it (outside Linux).
    pub busy_cores: Option<f64>,
}

impl Run {
    pub fn with_status(&self, status: Status) -> impl Iterator<Item = &Outcome> {
        self.outcomes.iter().filter(move |o| o.status == status)
    }
}

/// Runs one suite binary, killing it if it runs longer than `limit`.
pub fn run(binary: &Path, root: &Path, limit: Duration) -> Result<Run> {
    run_watched(binary, root, limit, &AtomicBool::new(false), |_| {})
}

/// The variable that asks the suites for their full-size load tests (the
/// relay server's 100 clients of 1,000 lines each): `cargo verify` sets it
/// when it runs the suites against the solutions. A learner's run, and the
/// runs against the stubs and the variants, use a smaller load.
pub const FULL_LOAD: &str = "ASYNCLINGS_FULL_LOAD";

/// [`run`], with the suites' load tests at full size ([`FULL_LOAD`]), and
/// three times `limit`: a full load is a long run (the relay server's, 20 s
/// in a debug build on 2 cores), not a hang.
pub fn run_at_full_load(binary: &Path, root: &Path, limit: Duration) -> Result<Run> {
    run_with(
        binary,
        root,
        limit * 3,
        &AtomicBool::new(false),
        |_| {},
        &[(FULL_LOAD, "1")],
    )
}

/// [`run`], also stopped as soon as `cancel` is set (then `cancelled`), and
/// calling `waiting` about every 250 ms with the time spent so far, for a
/// caller that shows that something is happening.
pub fn run_watched(
    binary: &Path,
    root: &Path,
    limit: Duration,
    cancel: &AtomicBool,
    waiting: impl FnMut(Duration),
) -> Result<Run> {
    run_with(binary, root, limit, cancel, waiting, &[])
}

fn run_with(
    binary: &Path,
    root: &Path,
    limit: Duration,
    cancel: &AtomicBool,
    waiting: impl FnMut(Duration),
    env: &[(&str, &str)],
) -> Result<Run> {
    let mut run = run_args(binary, &[], root, limit, cancel, waiting, env)?;
    if run.timed_out {
        // libtest prints the messages of failed tests only at the end, which
        // a stopped run never reaches: run the tests that failed once more,
        // alone (they finished before), to have their messages.
        let failed: Vec<&str> = run
            .with_status(Status::Failed)
            .map(|o| o.name.as_str())
            .collect();
        if !failed.is_empty() {
            let mut args = vec!["--exact"];
            args.extend(failed);
            let again = run_args(
                binary,
                &args,
                root,
                limit.min(RERUN_LIMIT),
                cancel,
                |_| {},
                env,
            )?;
            for outcome in &mut run.outcomes {
                if let Some(same) = again.outcomes.iter().find(|o| o.name == outcome.name) {
                    outcome.output.clone_from(&same.output);
                }
            }
        }
    }
    Ok(run)
}

/// How long the tests that failed before a hang may take to run again.
const RERUN_LIMIT: Duration = Duration::from_secs(10);

/// Runs `binary` with `args`, as [`run_watched`] describes.
fn run_args(
    binary: &Path,
    args: &[&str],
    root: &Path,
    limit: Duration,
    cancel: &AtomicBool,
    mut waiting: impl FnMut(Duration),
    env: &[(&str, &str)],
) -> Result<Run> {
    let start = Instant::now();
    let mut command = suite_command(binary);
    let mut child = Group::spawn(
        command
            .args(args)
            .envs(env.iter().copied())
            .current_dir(root)
            // The suites' messages say what went wrong; a backtrace only buries them.
            .env("RUST_BACKTRACE", "0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped()),
    )?;
    let stdout = read_in_background(child.child().stdout.take());
    let stderr = read_in_background(child.child().stderr.take());
    let deadline = start + limit;
    // CPU time samples, to tell a busy loop from an idle wait if it hangs.
    let mut samples: VecDeque<(Instant, Duration)> = VecDeque::new();
    let (status, timed_out, cancelled, busy_cores) = loop {
        if let Some(status) = child.wait_timeout(Duration::from_millis(20))? {
            break (Some(status), false, false, None);
        }
        if cancel.load(Ordering::Relaxed) {
            child.kill();
            break (None, false, true, None);
        }
        let now = Instant::now();
        if samples
            .back()
            .is_none_or(|(at, _)| now - *at >= SAMPLE_EVERY)
        {
            if let Some(cpu) = child.cpu_time() {
                samples.push_back((now, cpu));
            }
            while samples.len() > 2 && now - samples[1].0 >= BUSY_WINDOW {
                samples.pop_front();
            }
            waiting(now - start);
        }
        if now >= deadline {
            let busy = match (samples.front(), child.cpu_time()) {
                (Some((then, before)), Some(cpu)) if now > *then => {
                    Some(cpu.saturating_sub(*before).as_secs_f64() / (now - *then).as_secs_f64())
                }
                _ => None,
            };
            child.kill();
            break (None, true, false, busy);
        }
    };
    let mut stdout = stdout.join().unwrap_or_default();
    stdout.push_str(&stderr.join().unwrap_or_default());
    let outcomes = parse_libtest(&stdout);
    let hang = timed_out.then(|| {
        let finished: Vec<&str> = outcomes.iter().map(|o| o.name.as_str()).collect();
        let unfinished: Vec<String> = list_tests(binary, root)
            .into_iter()
            .filter(|name| !finished.contains(&name.as_str()))
            .collect();
        let threads = test_threads().min(unfinished.len());
        let (running, not_started) = unfinished.split_at(threads);
        Hang {
            running: running.to_vec(),
            not_started: not_started.to_vec(),
            busy_cores,
        }
    });
    Ok(Run {
        outcomes,
        timed_out,
        cancelled,
        success: status.is_some_and(|s| s.success()),
        elapsed: start.elapsed(),
        stdout,
        hang,
        warnings: Vec::new(),
    })
}

/// How often a running suite's CPU time is sampled.
const SAMPLE_EVERY: Duration = Duration::from_millis(250);
/// Over how long a hung suite's CPU use is measured, before it is stopped.
const BUSY_WINDOW: Duration = Duration::from_secs(2);

/// Every test of a suite binary, in the order libtest runs them (by name).
fn list_tests(binary: &Path, root: &Path) -> Vec<String> {
    let Ok(output) = suite_command(binary)
        .current_dir(root)
        .args(["--list", "--format", "terse"])
        .stdin(Stdio::null())
        .output()
    else {
        return Vec::new();
    };
    let mut names: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.strip_suffix(": test"))
        .map(str::to_owned)
        .collect();
    names.sort();
    names
}

/// How many tests libtest runs at once: `RUST_TEST_THREADS`, else one per CPU.
fn test_threads() -> usize {
    std::env::var("RUST_TEST_THREADS")
        .ok()
        .and_then(|n| n.parse().ok())
        .or_else(|| thread::available_parallelism().ok().map(|n| n.get()))
        .unwrap_or(1)
}

fn read_in_background(pipe: Option<impl Read + Send + 'static>) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut text = Vec::new();
        if let Some(mut pipe) = pipe {
            pipe.read_to_end(&mut text).ok();
        }
        String::from_utf8_lossy(&text).into_owned()
    })
}

/// Reads libtest's default ("pretty") output: a `test <name> ... <result>` line
/// per test, then a `---- <name> stdout ----` section per failure.
pub fn parse_libtest(stdout: &str) -> Vec<Outcome> {
    let mut outcomes: Vec<Outcome> = stdout
        .lines()
        .filter_map(|line| {
            let (name, result) = line.strip_prefix("test ")?.split_once(" ... ")?;
            let status = match result {
                "ok" => Status::Passed,
                "FAILED" => Status::Failed,
                r if r.starts_with("ignored") => Status::Ignored,
                _ => return None,
            };
            Some(Outcome {
                name: name.to_owned(),
                status,
                output: String::new(),
            })
        })
        .collect();
    // Failure sections run from their header to the next header or to the
    // final `failures:` list.
    let mut current: Option<usize> = None;
    for line in stdout.lines() {
        if let Some(name) = line
            .strip_prefix("---- ")
            .and_then(|rest| rest.strip_suffix(" stdout ----"))
        {
            current = outcomes.iter().position(|o| o.name == name);
        } else if line == "failures:" {
            current = None;
        } else if let Some(index) = current {
            outcomes[index].output.push_str(line);
            outcomes[index].output.push('\n');
        }
    }
    for outcome in &mut outcomes {
        let trimmed = outcome.output.trim().to_owned();
        outcome.output = trimmed;
    }
    outcomes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_warnings_about_one_file() {
        let messages = "warning: unused variable: `cx`\n  --> exercises/src/countdown.rs:29:42\n   |\n\
                        29 |     fn poll(...)\n\nwarning: unused import: `x`\n --> tests/countdown.rs:3:5\n\n\
                        warning: `asynclings` (test \"countdown\") generated 2 warnings\n";
        assert_eq!(
            warnings_about(messages, Path::new("exercises/src/countdown.rs")),
            ["unused variable: `cx` (line 29)"]
        );
    }

    #[test]
    fn parses_results_and_failure_messages() {
        let stdout = "\nrunning 3 tests\ntest a ... ok\ntest b ... FAILED\ntest c ... ignored, slow\n\
                      \nfailures:\n\n---- b stdout ----\n\nthread 'b' panicked at x.rs:1:1:\nboom\n\n\
                      failures:\n    b\n\ntest result: FAILED. 1 passed; 1 failed; 1 ignored\n";
        let outcomes = parse_libtest(stdout);
        let summary: Vec<(&str, Status)> = outcomes
            .iter()
            .map(|o| (o.name.as_str(), o.status))
            .collect();
        assert_eq!(
            summary,
            [
                ("a", Status::Passed),
                ("b", Status::Failed),
                ("c", Status::Ignored)
            ]
        );
        assert_eq!(outcomes[1].output, "thread 'b' panicked at x.rs:1:1:\nboom");
        assert_eq!(outcomes[0].output, "");
    }
}
