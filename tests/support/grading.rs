//! Grading a write-tests exercise (`catch_*`): the learner's tests are run
//! against the subject's reference, then against each of its hidden bugs.
//!
//! The suite compiles the learner's tests into itself, next to one grading
//! test, [`GRADING_TEST`]. That test runs the suite's own binary again
//! (`std::env::current_exe()`), once per implementation, with
//! [`subjects::SUBJECT_VAR`] naming it and the grading test skipped: the
//! subject picks its implementation from that variable when it is created,
//! so nothing is rebuilt. The children run at the same time, each killed
//! after [`CHILD_LIMIT`]. The grading passes when the learner has at least
//! one test, every test passes against the reference, and every bug makes
//! at least one test fail (without hanging).

use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use subjects::{Bug, SUBJECT_VAR, UNKNOWN_SUBJECT};

/// The name of the grading test in every write-tests suite. The runner and
/// the variants name it too.
pub const GRADING_TEST: &str = "your_tests_catch_every_hidden_bug";

/// How long one run of the learner's tests may take before it is killed and
/// called hung. The learner's tests poll by hand or run on the paused clock:
/// they take milliseconds, so this is plenty even on a busy machine.
pub const CHILD_LIMIT: Duration = Duration::from_secs(3);

/// What a subject is, for the messages.
pub struct Subject {
    /// The type the learner tests: "Countdown".
    pub name: &'static str,
    /// Its reference implementation, which the learner reads.
    pub reference: &'static str,
    /// Its hidden buggy versions.
    pub bugs: &'static [Bug],
}

/// The grading test's body: see the module's documentation. Inside a child
/// run (the variable set), it does nothing; the children skip it anyway.
pub fn your_tests_catch_every_hidden_bug(subject: &Subject) {
    if std::env::var_os(SUBJECT_VAR).is_some_and(|v| !v.is_empty()) {
        return;
    }
    let (name, reference, bugs) = (subject.name, subject.reference, subject.bugs);
    let report = crate::watchdog_within(
        CHILD_LIMIT * 2,
        "the grading itself did not finish (its runs of your tests are killed after 3 s \
         each, so this should not happen: please report it)",
        move || grade(name, reference, bugs),
    );
    match report {
        // Shown with `--nocapture`: libtest keeps a passing test's output.
        Ok(caught) => println!("{caught}"),
        Err(Failed::Grade(message)) => panic!("{message}"),
        Err(Failed::HangsOnReference(message)) => stop(&message),
    }
}

/// Why the grading failed.
enum Failed {
    /// Tests missed bugs, failed on the reference, or there are none.
    Grade(String),
    /// A test of the learner's hangs against the reference: the same test,
    /// run by this very process against the reference, hangs too, and
    /// libtest would wait for it for ever.
    HangsOnReference(String),
}

impl From<String> for Failed {
    fn from(message: String) -> Failed {
        Failed::Grade(message)
    }
}

/// Ends this test binary with the grading's failure, as libtest would have
/// reported it, instead of waiting for a test of the learner's that hangs
/// against the reference (plain `cargo test` never stops a hung test). The
/// report goes straight to standard output: libtest's capture only holds
/// what a test prints with `print!`.
fn stop(message: &str) -> ! {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = write!(
        out,
        "\ntest {GRADING_TEST} ... FAILED\n\nfailures:\n\n---- {GRADING_TEST} stdout ----\n\
         {message}\n(The suite stopped here, without waiting for that test: it would never \
         finish.)\n\nfailures:\n    {GRADING_TEST}\n\ntest result: FAILED. A test hangs.\n\n"
    );
    let _ = out.flush();
    std::process::exit(101)
}

/// One run of the learner's tests, against one implementation.
struct Run {
    /// Tests that failed (with their output), and those that never
    /// reported (a killed run).
    failed: Vec<(String, String)>,
    hung: Vec<String>,
    /// Killed at [`CHILD_LIMIT`].
    killed: bool,
    /// The process exited with success.
    success: bool,
    /// Everything it printed.
    output: String,
}

fn grade(name: &str, reference: &str, bugs: &'static [Bug]) -> Result<String, Failed> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find the test binary: {e}"))?;
    let tests = list_tests(&exe)?;
    if tests.is_empty() {
        return Err(format!(
            "you have no tests yet: write at least one test of {name} (a `#[test]` or \
             `#[tokio::test]` function) in your file"
        )
        .into());
    }
    // Every implementation at once: the runs mostly wait, and the slowest
    // (a hang, killed at CHILD_LIMIT) sets the time.
    let mut children = vec![(None, spawn(&exe, None)?)];
    for bug in bugs {
        children.push((Some(bug), spawn(&exe, Some(bug.name))?));
    }
    let runs: Vec<(Option<&Bug>, Run)> = children
        .into_iter()
        .map(|(bug, child)| (bug, finish(child, &tests)))
        .collect();
    for (bug, run) in &runs {
        if run.output.contains(UNKNOWN_SUBJECT) {
            return Err(format!(
                "(a maintainer's error) the subject does not know the implementation `{}`: \
                 the subject's `new` has no arm for it",
                bug.map_or("reference", |b| b.name)
            )
            .into());
        }
    }
    let (_, on_reference) = &runs[0];
    if !on_reference.failed.is_empty() || on_reference.killed || !on_reference.success {
        let message = fails_on_reference(name, reference, tests.len(), on_reference);
        return Err(if on_reference.hung.is_empty() {
            Failed::Grade(message)
        } else {
            Failed::HangsOnReference(message)
        });
    }
    let mut missed = Vec::new();
    let mut hung = Vec::new();
    for (bug, run) in &runs[1..] {
        let bug = bug.expect("every run after the first is a bug's");
        if run.killed {
            hung.push((bug, run.hung.clone()));
        } else if run.success {
            missed.push(bug);
        }
    }
    let caught = bugs.len() - missed.len();
    let mut message = format!("caught {caught} of {} bugs", bugs.len());
    if missed.is_empty() && hung.is_empty() {
        return Ok(message);
    }
    if !missed.is_empty() {
        message.push_str(&format!(
            ". Your tests all pass against {} hidden bug{} of {name}:\n",
            missed.len(),
            if missed.len() == 1 { "" } else { "s" }
        ));
        for bug in &missed {
            message.push_str(&format!(
                "- missed: it {}.\n  What would catch it: {}.\n",
                bug.wrong, bug.exposed_by
            ));
        }
    } else {
        message.push('.');
        message.push('\n');
    }
    if !hung.is_empty() {
        message.push_str(&format!(
            "Your tests hung against {} of the bugs instead of failing (killed after {:?}; \
             counted as caught, but plain `cargo test` never stops a hung test):\n",
            hung.len(),
            CHILD_LIMIT
        ));
        for (bug, tests) in &hung {
            message.push_str(&format!(
                "- against a version that {}: {} never finished.\n",
                bug.wrong,
                tests.join(", ")
            ));
        }
        message.push_str(
            "Bound every wait, so that a bug makes the test fail: poll by hand \
             (tokio_test::task::spawn) and check `is_woken()`, or put the await in \
             `tokio::time::timeout` on the paused clock. (A task that wakes itself for ever \
             stops even the paused clock: only polling by hand catches that one.)\n",
        );
    }
    Err(message.into())
}

fn fails_on_reference(name: &str, reference: &str, count: usize, run: &Run) -> String {
    let your = format!("of your {count} test{}", if count == 1 { "" } else { "s" });
    let mut message = String::new();
    let (failed, hung) = (run.failed.len(), run.hung.len());
    if failed > 0 {
        message.push_str(&format!(
            "{failed} {your} {} against the correct {name} ({reference}): a test that fails \
             on correct code is wrong, or not finished yet. ",
            if failed == 1 { "fails" } else { "fail" },
        ));
    }
    if hung > 0 {
        message.push_str(&format!(
            "{hung} {your} never {} against the correct {name} ({reference}): a test that \
             waits for something that never happens hangs `cargo test`. ",
            if hung == 1 { "finishes" } else { "finish" },
        ));
    }
    message.push_str(
        "Make every test pass against it first; then they are run against the hidden bugs.\n",
    );
    for (test, output) in run.failed.iter().take(3) {
        message.push_str(&format!("- {test}: {}\n", first_words(output)));
    }
    if run.failed.len() > 3 {
        message.push_str(&format!("- (and {} more)\n", run.failed.len() - 3));
    }
    for test in &run.hung {
        message.push_str(&format!(
            "- {test}: still running after {CHILD_LIMIT:?}. An `.await` that never finishes? \
             Drop what the test holds open (a sender, a writer) before waiting for the end, or \
             poll by hand and bound the wait.\n"
        ));
    }
    if failed == 0 && hung == 0 {
        message = format!(
            "your tests did not run against the correct {name} ({reference}):\n{}\n",
            run.output
        );
    }
    message
}

/// The panic message of a failed test, without libtest's `thread '…'
/// panicked at` line, on one line, shortened.
fn first_words(output: &str) -> String {
    let text: Vec<&str> = output
        .lines()
        .filter(|line| !line.contains(" panicked at ") && !line.starts_with("note: "))
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect();
    let text = text.join(" ");
    match text.char_indices().nth(160) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    }
}

/// The learner's tests: every test of this binary but the grading test.
fn list_tests(exe: &Path) -> Result<Vec<String>, String> {
    let output = Command::new(exe)
        .args(["--list", "--format", "terse", "--skip", GRADING_TEST])
        .env_remove(SUBJECT_VAR)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot list the tests: {e}"))?;
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.strip_suffix(": test"))
        .map(str::to_owned)
        .collect())
}

fn spawn(exe: &Path, bug: Option<&str>) -> Result<(Child, Instant), String> {
    let mut command = Command::new(exe);
    command
        .args([
            "--skip",
            GRADING_TEST,
            "--format",
            "pretty",
            "--color",
            "never",
        ])
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    match bug {
        Some(name) => command.env(SUBJECT_VAR, name),
        None => command.env_remove(SUBJECT_VAR),
    };
    let child = command
        .spawn()
        .map_err(|e| format!("cannot run the tests again: {e}"))?;
    Ok((child, Instant::now()))
}

/// Waits for a run, killing it at [`CHILD_LIMIT`], and reads its outcome.
fn finish((mut child, started): (Child, Instant), tests: &[String]) -> Run {
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    let read = |pipe: Option<Box<dyn Read + Send>>| {
        thread::spawn(move || {
            let mut text = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut text);
            }
            String::from_utf8_lossy(&text).into_owned()
        })
    };
    let stdout = read(stdout.map(|p| Box::new(p) as Box<dyn Read + Send>));
    let stderr = read(stderr.map(|p| Box::new(p) as Box<dyn Read + Send>));
    let (success, killed) = loop {
        match child.try_wait() {
            Ok(Some(status)) => break (status.success(), false),
            Ok(None) if started.elapsed() < CHILD_LIMIT => {
                thread::sleep(Duration::from_millis(2));
            }
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                break (false, true);
            }
        }
    };
    let mut output = stdout.join().unwrap_or_default();
    output.push_str(&stderr.join().unwrap_or_default());
    let (passed, failed) = parse(&output);
    let hung = if killed {
        tests
            .iter()
            .filter(|t| !passed.contains(*t) && !failed.iter().any(|(f, _)| f == *t))
            .cloned()
            .collect()
    } else {
        Vec::new()
    };
    Run {
        failed,
        hung,
        killed,
        success,
        output,
    }
}

/// libtest's pretty output: the tests that finished without failing (passed
/// or ignored), and those that failed, with their output.
fn parse(output: &str) -> (BTreeSet<String>, Vec<(String, String)>) {
    let mut passed = BTreeSet::new();
    let mut failed: Vec<(String, String)> = Vec::new();
    for line in output.lines() {
        let Some((name, result)) = line
            .strip_prefix("test ")
            .and_then(|rest| rest.split_once(" ... "))
        else {
            continue;
        };
        match result {
            "FAILED" => failed.push((name.to_owned(), String::new())),
            // Passed, or ignored: either way it did not hang.
            _ => {
                passed.insert(name.to_owned());
            }
        }
    }
    let mut current: Option<usize> = None;
    for line in output.lines() {
        if let Some(name) = line
            .strip_prefix("---- ")
            .and_then(|rest| rest.strip_suffix(" stdout ----"))
        {
            current = failed.iter().position(|(f, _)| f == name);
        } else if line == "failures:" {
            current = None;
        } else if let Some(index) = current {
            failed[index].1.push_str(line);
            failed[index].1.push('\n');
        }
    }
    (passed, failed)
}
