//! The runner's own tests: its binary, run the way a learner runs it, on a
//! copy of this repository. The copy's exercises are the stubs as committed
//! (`git archive HEAD`), whatever the learner has done to theirs: these tests
//! neither read nor touch the learner's files, and pass at any stage of the
//! course.
//!
//! The copy lives in `target/runner-tests/repo` and builds into
//! `target/runner-tests/target`, so the suites are compiled once and reused
//! by later runs. The tests share the copy and take turns (a lock); each one
//! puts back what it changed.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use assert_cmd::cargo::cargo_bin;

/// The repository this test belongs to (the runner's package is `runner/`).
fn source() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

fn workdir() -> PathBuf {
    source().join("target/runner-tests")
}

/// The copy, made fresh once per test run, and the turn to use it.
fn copy() -> (MutexGuard<'static, ()>, &'static Path) {
    static TURN: Mutex<()> = Mutex::new(());
    static COPY: OnceLock<PathBuf> = OnceLock::new();
    let turn = TURN.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let copy = COPY.get_or_init(|| {
        let copy = workdir().join("repo");
        if copy.exists() {
            fs::remove_dir_all(&copy).unwrap();
        }
        for dir in [
            "crates",
            "solutions",
            "subjects",
            "tests",
            "src",
            ".cargo",
            "variants",
        ] {
            copy_dir(&source().join(dir), &copy.join(dir));
        }
        committed_exercises(&copy);
        copy_dir(&source().join("book/src"), &copy.join("book/src"));
        for file in [
            "Cargo.toml",
            "Cargo.lock",
            "exercises.toml",
            ".gitignore",
            "book/book.toml",
        ] {
            fs::copy(source().join(file), copy.join(file)).unwrap();
        }
        // `reset` restores stubs from git, as in a learner's clone.
        git(&copy, &["init", "--quiet"]);
        git(&copy, &["add", "--all"]);
        git(&copy, &["commit", "--quiet", "--message", "as shipped"]);
        copy
    });
    (turn, copy)
}

/// `exercises/` as committed, into `copy`: never the learner's versions.
fn committed_exercises(copy: &Path) {
    let archive = StdCommand::new("git")
        .current_dir(source())
        .args(["archive", "--format=tar", "HEAD", "exercises"])
        .output()
        .expect("git archive runs");
    assert!(
        archive.status.success(),
        "git archive HEAD exercises failed"
    );
    let mut tar = StdCommand::new("tar")
        .current_dir(copy)
        .arg("-x")
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("tar runs");
    use std::io::Write;
    tar.stdin
        .take()
        .unwrap()
        .write_all(&archive.stdout)
        .unwrap();
    assert!(
        tar.wait().unwrap().success(),
        "extracting exercises/ failed"
    );
}

fn git(dir: &Path, args: &[&str]) {
    let status = StdCommand::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=test", "-c", "user.email=test@example.com"])
        .args(args)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?} failed");
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&path, &to.join(entry.file_name()));
        } else {
            fs::copy(&path, to.join(entry.file_name())).unwrap();
        }
    }
}

/// The runner, in `dir`, building into the shared target folder, with a short
/// run budget so that a hang is caught quickly.
fn runner(dir: &Path) -> Command {
    let mut command = Command::new(cargo_bin("asynclings-runner"));
    command
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", workdir().join("target"))
        .env("ASYNCLINGS_RUN_BUDGET", "4")
        .env("ASYNCLINGS_LEARNER", "Ada")
        .env_remove("ASYNCLINGS_ANONYMOUS")
        .timeout(Duration::from_secs(600));
    command
}

/// Runs the runner in `dir` with `args`, checks its exit code, and returns
/// what it printed on stdout and on stderr.
fn run(dir: &Path, args: &[&str], code: i32) -> (String, String) {
    let assert = runner(dir).args(args).assert().code(code);
    let output = assert.get_output();
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Replaces a file for the length of a test, and puts it back afterwards,
/// even if the test fails.
struct Replaced {
    path: PathBuf,
    original: Vec<u8>,
}

impl Replaced {
    fn new(path: PathBuf, contents: &str) -> Self {
        let original = fs::read(&path).unwrap();
        fs::write(&path, contents).unwrap();
        Self { path, original }
    }
}

impl Drop for Replaced {
    fn drop(&mut self) {
        fs::write(&self.path, &self.original).unwrap();
    }
}

/// How many exercises the manifest lists.
fn total() -> usize {
    let manifest = fs::read_to_string(source().join("exercises.toml")).unwrap();
    manifest
        .lines()
        .filter(|l| l.trim() == "[[exercise]]")
        .count()
}

/// Forgets the progress file, so each test starts from a learner's first day.
fn fresh_progress(dir: &Path) {
    fs::remove_file(dir.join(".asynclings-progress")).ok();
}

#[test]
fn status_on_a_fresh_copy_shows_nothing_done_and_where_to_start() {
    let (_turn, dir) = copy();
    fresh_progress(dir);
    let (out, _) = run(dir, &[], 0);
    assert!(
        out.contains(&format!("0 of {} exercises done", total())),
        "{out}"
    );
    assert!(out.contains("exercises/src/countdown.rs"), "{out}");
    assert!(out.contains("book/src/exercises/countdown.md"), "{out}");
    assert!(
        out.contains("mdbook build book"),
        "and how to build the book: {out}"
    );
    assert!(out.contains("cargo test --test countdown"), "{out}");

    // The second time, every result comes from the progress file.
    let start = Instant::now();
    runner(dir).assert().success();
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "a status with nothing changed should not run any suite; it took {:?}",
        start.elapsed()
    );
}

#[test]
fn a_failing_exercise_shows_each_failing_test_and_its_message() {
    let (_turn, dir) = copy();
    let (out, _) = run(dir, &["test", "countdown"], 1);
    assert!(out.contains("✗ countdown: 5 of 5 tests fail"), "{out}");
    assert!(
        out.contains("✗ wakes_its_task_every_time_it_returns_pending"),
        "{out}"
    );
    assert!(out.contains("not yet implemented"), "{out}");
    assert!(!out.contains("stack backtrace"), "{out}");
    // The suite compiles the stub as `tests/../exercises/src/countdown.rs`;
    // the learner is shown the path they know.
    assert!(out.contains("exercises/src/countdown.rs:"), "{out}");
    assert!(!out.contains("tests/../"), "{out}");
    // Unfinished is not mistaken: no classic mistake is named.
    assert!(!out.contains("classic mistake"), "{out}");
}

#[test]
fn a_run_that_looks_like_a_classic_mistake_names_it_and_where_it_is_explained() {
    let (_turn, dir) = copy();
    let mistake = fs::read_to_string(dir.join("variants/countdown/forgets_to_wake.rs")).unwrap();
    let _mistaken = Replaced::new(dir.join("exercises/src/countdown.rs"), &mistake);
    let (out, _) = run(dir, &["test", "countdown"], 1);
    assert!(
        out.contains(
            "This looks like a classic mistake: returns `Pending` without waking the waker \
             (variants/countdown/forgets_to_wake.rs)"
        ),
        "{out}"
    );
    assert!(out.contains("\"Common mistakes\" on its page"), "{out}");
    // Above the failures, where a screen of 24 lines shows it.
    let claim = out.find("classic mistake").unwrap();
    let first_failure = out.find("✗ wakes_its_task").unwrap();
    assert!(claim < first_failure, "{out}");
}

#[test]
fn a_passing_exercise_counts_as_done_and_points_to_the_next() {
    let (_turn, dir) = copy();
    fresh_progress(dir);
    let solution = fs::read_to_string(dir.join("solutions/src/countdown.rs")).unwrap();
    let _solved = Replaced::new(dir.join("exercises/src/countdown.rs"), &solution);
    let (out, _) = run(dir, &["test", "countdown"], 0);
    assert!(out.contains("✓ countdown: all 5 tests pass"), "{out}");
    assert!(out.contains("Next: TimerFuture"), "{out}");

    let (out, _) = run(dir, &[], 0);
    assert!(
        out.contains(&format!("1 of {} exercises done", total())),
        "{out}"
    );
    assert!(out.contains("exercises/src/timer_future.rs"), "{out}");
}

#[test]
fn check_all_runs_every_suite_again_and_shows_a_table_with_the_classic_mistakes() {
    let (_turn, dir) = copy();
    fresh_progress(dir);
    let _solved = solved(dir, "countdown");
    // A mistake whose failures do not depend on timing (a timer thread that
    // does not sleep races with the first poll).
    let mistake =
        fs::read_to_string(dir.join("variants/timer_future/never_stores_the_waker.rs")).unwrap();
    let _mistaken = Replaced::new(dir.join("exercises/src/timer_future.rs"), &mistake);
    let (out, _) = run(dir, &["check-all"], 1);
    assert!(out.contains("✓ 1. countdown"), "{out}");
    assert!(out.contains("done                5/5"), "{out}");
    assert!(
        out.contains(
            "2. timer_future       failing             2/6  looks like: the thread completes"
        ),
        "{out}"
    );
    assert!(out.contains("3. block_on           not started"), "{out}");
    assert!(
        out.contains(&format!("1 of {} exercises done; 1 failing, ", total())),
        "{out}"
    );
}

#[test]
fn a_write_tests_exercise_leads_with_how_many_hidden_bugs_the_tests_caught() {
    let (_turn, dir) = copy();
    // As shipped, every test is a `todo!()`: they fail against the reference,
    // so the tests are not run against the bugs yet.
    let (out, _) = run(dir, &["test", "catch_countdown"], 1);
    assert!(
        out.contains("➜ 4 of your 4 tests fail against the correct Countdown"),
        "{out}"
    );
    // Tests that count but never check a wake-up miss three bugs, each
    // described in words, never shown as code.
    let tests =
        fs::read_to_string(dir.join("variants/catch_countdown/never_checks_wake_ups.rs")).unwrap();
    let written = Replaced::new(dir.join("exercises/src/catch_countdown.rs"), &tests);
    let (out, _) = run(dir, &["test", "catch_countdown"], 1);
    assert!(
        out.contains("➜ Your tests caught 3 of 6 hidden bugs"),
        "{out}"
    );
    assert!(
        out.contains("returns Pending without waking its task"),
        "{out}"
    );
    assert!(out.contains("✗ your_tests_catch_every_hidden_bug"), "{out}");
    drop(written);
    // The reference tests pass and catch every bug.
    let _solved = solved(dir, "catch_countdown");
    let (out, _) = run(dir, &["test", "catch_countdown"], 0);
    assert!(out.contains("✓ catch_countdown: all 5 tests pass"), "{out}");
    assert!(out.contains("catch every hidden bug"), "{out}");
}

/// The exercise `id` solved (its reference solution in place of the stub).
fn solved(dir: &Path, id: &str) -> Replaced {
    let solution = fs::read_to_string(dir.join(format!("solutions/src/{id}.rs"))).unwrap();
    Replaced::new(dir.join(format!("exercises/src/{id}.rs")), &solution)
}

/// Defect: "Next" was the exercise after the one tested, even when that one
/// was done already (or an earlier one was not).
#[test]
fn next_is_the_first_exercise_not_done_wherever_it_is() {
    let (_turn, dir) = copy();
    fresh_progress(dir);
    let _timer = solved(dir, "timer_future");
    let (out, _) = run(dir, &["test", "timer_future"], 0);
    assert!(
        out.contains("Next: Countdown"),
        "countdown is not done: {out}"
    );
    let _countdown = solved(dir, "countdown");
    let (out, _) = run(dir, &["test", "countdown"], 0);
    assert!(
        out.contains("(block_on)"),
        "timer_future is done already: {out}"
    );
    assert!(!out.contains("Next: TimerFuture"), "{out}");
}

/// Defect: `cargo run` sat silent for the whole run budget when the current
/// exercise hung, then printed a status that did not mention the hang.
#[test]
fn status_says_that_the_current_exercise_hangs_and_shows_progress_meanwhile() {
    let (_turn, dir) = copy();
    fresh_progress(dir);
    let _done: Vec<Replaced> = ["countdown", "timer_future", "block_on"]
        .into_iter()
        .map(|id| solved(dir, id))
        .collect();
    let _hanging = hanging_suite(dir, SLEEPS_FOREVER);
    let (out, err) = run(dir, &[], 0);
    assert!(
        out.contains(&format!("3 of {} exercises done", total())),
        "{out}"
    );
    assert!(out.contains("Next: RangeStream"), "{out}");
    assert!(out.contains("HUNG"), "the status says it hung: {out}");
    assert!(out.contains("idle"), "and what that probably means: {out}");
    assert!(
        err.contains("running range_stream's tests"),
        "while it waits, it says what it waits for: {err}"
    );
}

#[test]
fn an_exercise_that_does_not_compile_stops_only_itself() {
    let (_turn, dir) = copy();
    fresh_progress(dir);
    let stub = fs::read_to_string(dir.join("exercises/src/timer_future.rs")).unwrap();
    let _broken = Replaced::new(
        dir.join("exercises/src/timer_future.rs"),
        &format!("{stub}\nfn half_written( {{\n"),
    );
    let solution = fs::read_to_string(dir.join("solutions/src/countdown.rs")).unwrap();
    let _solved = Replaced::new(dir.join("exercises/src/countdown.rs"), &solution);
    let (out, _) = run(dir, &["status", "--json"], 0);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let state = |id: &str| {
        let exercises = report["exercises"].as_array().unwrap();
        let exercise = exercises.iter().find(|e| e["id"] == id).unwrap();
        exercise["state"].as_str().unwrap().to_owned()
    };
    assert_eq!(state("countdown"), "done", "{out}");
    assert_eq!(state("timer_future"), "does not compile", "{out}");
    assert_eq!(state("block_on"), "not started", "{out}");
    let (out, _) = run(dir, &["test", "countdown"], 0);
    assert!(out.contains("✓ countdown: all 5 tests pass"), "{out}");
}

/// A `range_stream` suite that hangs in a way no watchdog of the real suites
/// lets through (they turn a hang in the learner's code into a failure after
/// 2 s): one test fails, one passes, the next two run `body` forever, and the
/// last never gets a thread. Run with `RUST_TEST_THREADS=2`.
fn hanging_suite(dir: &Path, body: &str) -> Replaced {
    Replaced::new(
        dir.join("tests/range_stream.rs"),
        &format!(
            "#[test]\nfn a_fails_first() {{\n    panic!(\"the message of a test that failed before\");\n}}\n\n\
             #[test]\nfn b_passes() {{}}\n\n\
             #[test]\nfn c_never_ends() {{\n    {body}\n}}\n\n\
             #[test]\nfn d_never_ends_either() {{\n    {body}\n}}\n\n\
             #[test]\nfn e_never_starts() {{}}\n"
        ),
    )
}

const SLEEPS_FOREVER: &str = "std::thread::sleep(std::time::Duration::from_secs(3600));";
const SPINS_FOREVER: &str = "loop { std::hint::spin_loop(); }";

/// Defect: HUNG did not name the test that hung, listed a failed test as
/// "finished", dropped the messages of the tests that failed, and only listed
/// the possible causes. Now it names the tests still running, shows the
/// failures before the hang with their messages, and says whether the suite
/// burned CPU (a busy loop) or sat idle (a lost wake-up or a deadlock).
#[test]
fn a_hang_names_the_tests_still_running_keeps_the_failures_and_tells_busy_from_idle() {
    let (_turn, dir) = copy();
    for (body, measured) in [(SLEEPS_FOREVER, "idle"), (SPINS_FOREVER, "busy loop")] {
        let _hanging = hanging_suite(dir, body);
        let start = Instant::now();
        let output = runner(dir)
            .args(["test", "range_stream"])
            .env("RUST_TEST_THREADS", "2")
            .assert()
            .code(3);
        let out = String::from_utf8_lossy(&output.get_output().stdout).into_owned();
        assert!(out.contains("HUNG"), "{out}");
        let running = out.split("Still running").nth(1).unwrap_or_default();
        let running = running.split("\n\n").next().unwrap_or_default();
        assert!(
            running.contains("c_never_ends") && running.contains("d_never_ends_either"),
            "the tests still running are named: {out}"
        );
        assert!(!running.contains("e_never_starts"), "{out}");
        assert!(
            out.contains(measured),
            "{body}: the diagnosis says {measured}: {out}"
        );
        let before = out
            .split("Before it was stopped")
            .nth(1)
            .unwrap_or_default();
        assert!(
            before.contains("1 test passed and 1 failed")
                && before.contains("✗ a_fails_first")
                && before.contains("the message of a test that failed before"),
            "the failure before the hang is shown with its message: {out}"
        );
        assert!(out.contains("1 more test never started"), "{out}");
        // The budget is 4 s; building and the second look take a moment more.
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "stopping a hung suite took {:?}",
            start.elapsed()
        );
    }
}

/// Defect: "(the same message as above)" pointed at the wrong message, and
/// the order of the failures changed from run to run. Now the tests that
/// failed with one message at one place are listed together above it.
#[test]
fn tests_that_fail_the_same_way_are_listed_together_above_their_message() {
    let (_turn, dir) = copy();
    let (out, _) = run(dir, &["test", "range_stream"], 1);
    assert!(!out.contains("the same message as above"), "{out}");
    // Every failing test's name is followed by its own message: the first
    // `panicked at` after the name is in the function the test calls.
    let line_of = |function: &str| {
        let stub = fs::read_to_string(dir.join("exercises/src/range_stream.rs")).unwrap();
        let at = stub.find(&format!("fn {function}")).unwrap();
        let todo = at + stub[at..].find("todo!(").unwrap();
        stub[..todo].lines().count()
    };
    let (poll_next, size_hint) = (line_of("poll_next"), line_of("size_hint"));
    for (test, line) in [
        ("works_with_stream_combinators", poll_next),
        ("keeps_returning_none_after_the_end", poll_next),
        ("size_hint_is_exact_for_the_widest_range", size_hint),
        ("size_hint_is_exact_before_during_and_after", size_hint),
    ] {
        let after = out.split(&format!("✗ {test}\n")).nth(1).unwrap_or_default();
        let message = after.lines().find(|l| l.contains("panicked at"));
        assert!(
            message.is_some_and(|m| m.contains(&format!("range_stream.rs:{line}:"))),
            "{test} is followed by a message from line {line}, got {message:?}:\n{out}"
        );
    }
    let (again, _) = run(dir, &["test", "range_stream"], 1);
    assert_eq!(
        out, again,
        "the report reads the same from one run to the next"
    );
}

/// Defect: compiler errors were cut at 12 lines, losing rustc's help.
#[test]
fn a_compile_error_is_shown_whole_with_the_compilers_help() {
    let (_turn, dir) = copy();
    let path = dir.join("exercises/src/countdown.rs");
    let stub = fs::read_to_string(&path).unwrap();
    let start = stub.find("todo!(").unwrap();
    let end = start + stub[start..].find('\n').unwrap();
    let wrong = format!(
        "{}Poll::Ready(self.remaining){}",
        &stub[..start],
        &stub[end..]
    );
    let _wrong = Replaced::new(path, &wrong);
    let (out, _) = run(dir, &["test", "countdown"], 1);
    assert!(out.contains("does not compile"), "{out}");
    assert!(out.contains("error[E0308]: mismatched types"), "{out}");
    // The end of the diagnostic: rustc's help, and the note after it.
    assert!(
        out.contains("help: the type constructed contains `u32`"),
        "{out}"
    );
    assert!(
        out.contains("this argument influences the type of `Ready`"),
        "{out}"
    );
    assert!(out.contains("note: tuple variant defined here"), "{out}");
}

#[test]
fn reset_restores_the_stub_and_keeps_the_learners_version() {
    let (_turn, dir) = copy();
    let path = dir.join("exercises/src/countdown.rs");
    let shipped = fs::read_to_string(&path).unwrap();
    let mine = format!("{shipped}\n// my work in progress\n");
    fs::write(&path, &mine).unwrap();
    let (out, _) = run(dir, &["reset", "countdown"], 0);
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        shipped,
        "the stub is as shipped"
    );
    let backups: Vec<PathBuf> = fs::read_dir(dir.join(".asynclings-backups"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    let kept = backups
        .iter()
        .find(|backup| fs::read_to_string(backup).unwrap() == mine);
    let kept = kept.expect("a backup holds the learner's version");
    let name = kept.file_name().unwrap().to_string_lossy();
    assert!(
        out.contains(&*name),
        "the output says where the backup is: {out}"
    );

    // Nothing to restore: nothing is touched, and it says so.
    let (out, _) = run(dir, &["reset", "countdown"], 0);
    assert!(out.contains("no file to restore"), "{out}");

    // Reset starts the exercise afresh: the hints shown are forgotten too.
    run(dir, &["hint", "countdown"], 0);
    let (out, _) = run(dir, &["reset", "countdown"], 0);
    assert!(out.contains("Progress forgotten"), "{out}");
    let (hint, _) = run(dir, &["hint", "countdown"], 0);
    assert!(hint.contains("Hint 1 of 3"), "{hint}");
}

#[test]
fn an_unknown_id_or_command_is_refused_with_exit_code_2() {
    let (_turn, dir) = copy();
    let (_, err) = run(dir, &["test", "countdwn"], 2);
    assert!(err.contains("no exercise `countdwn`"), "{err}");
    assert!(err.contains("Did you mean `countdown`?"), "{err}");

    run(dir, &["hint", "nothing_like_it"], 2);
    run(dir, &["tset", "countdown"], 2);

    // Outside any checkout (not even this one, above the copy).
    let outside = std::env::temp_dir().join(format!("not-a-checkout-{}", std::process::id()));
    fs::create_dir_all(&outside).unwrap();
    let (_, err) = run(&outside, &[], 2);
    assert!(err.contains("not inside an asynclings checkout"), "{err}");
}

#[test]
fn a_manifest_entry_without_its_files_is_refused_with_exit_code_2() {
    let (_turn, dir) = copy();
    let manifest = fs::read_to_string(dir.join("exercises.toml")).unwrap();
    let ghost = format!(
        "{manifest}\n[[exercise]]\nid = \"ghost\"\nchapter = \"futures\"\ntitle = \"Ghost\"\n\
         page = \"exercises/ghost.md\"\nhints = [\"a\", \"b\", \"c\"]\n"
    );
    let _ghost = Replaced::new(dir.join("exercises.toml"), &ghost);
    let (_, err) = run(dir, &["test", "ghost"], 2);
    assert!(err.contains("exercises/src/ghost.rs"), "{err}");
    assert!(err.contains("missing"), "{err}");
}

#[test]
fn hint_shows_the_next_hint_each_time_and_remembers() {
    let (_turn, dir) = copy();
    fresh_progress(dir);
    let (first, _) = run(dir, &["hint", "countdown"], 0);
    assert!(first.contains("Hint 1 of 3"), "{first}");
    let (second, _) = run(dir, &["hint", "countdown"], 0);
    assert!(second.contains("Hint 2 of 3"), "{second}");
    let progress = fs::read_to_string(dir.join(".asynclings-progress")).unwrap();
    assert!(progress.contains("hints_shown = 2"), "{progress}");
    // Without an id: the current exercise (the first not done). The hint's
    // Markdown is shown as text, without its backticks.
    let (third, _) = run(dir, &["hint"], 0);
    assert!(third.contains("Hint 3 of 3 for `countdown`"), "{third}");
    let hint = third.split("\n\n").nth(1).unwrap_or_default();
    assert!(!hint.is_empty() && !hint.contains('`'), "{third}");
}

#[test]
fn solution_shows_code_without_the_books_markers() {
    let (_turn, dir) = copy();
    let (out, _) = run(dir, &["solution", "countdown", "--force"], 0);
    assert!(out.contains("impl Future for Countdown"), "{out}");
    assert!(!out.contains("ANCHOR"), "{out}");
}

#[test]
fn status_json_lists_every_exercise_with_its_state() {
    let (_turn, dir) = copy();
    fresh_progress(dir);
    let (out, _) = run(dir, &["status", "--json"], 0);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["total"], total());
    assert_eq!(report["done"], 0);
    assert_eq!(report["next"], "countdown");
    let exercises = report["exercises"].as_array().unwrap();
    assert_eq!(exercises.len(), total());
    for exercise in exercises {
        for key in ["id", "title", "state", "hints_shown", "file"] {
            assert!(exercise.get(key).is_some(), "{key} missing in {exercise}");
        }
        assert_eq!(exercise["state"], "not started", "{exercise}");
    }
    assert_eq!(exercises[0]["file"], "exercises/src/countdown.rs");
    // Who, where and when, for an instructor collecting a room's reports.
    assert_eq!(report["learner"], "Ada", "{out}");
    assert!(
        report["machine"].as_str().is_some_and(|m| !m.is_empty()),
        "{out}"
    );
    assert!(
        report["at"].as_str().is_some_and(|t| t.ends_with('Z')),
        "{out}"
    );
    // And a way to leave them out.
    let output = runner(dir)
        .args(["status", "--json"])
        .env("ASYNCLINGS_ANONYMOUS", "1")
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(
        report["learner"].is_null() && report["machine"].is_null(),
        "{report}"
    );

    // An edited exercise that fails is failing, not "not started".
    let path = dir.join("exercises/src/countdown.rs");
    let edited = format!("{}\n// started\n", fs::read_to_string(&path).unwrap());
    let _edited = Replaced::new(path, &edited);
    let (out, _) = run(dir, &["list"], 0);
    let line = out.lines().find(|l| l.contains("countdown")).unwrap();
    assert!(line.contains("failing"), "{out}");
    let line = out.lines().find(|l| l.contains("timer_future")).unwrap();
    assert!(line.contains("not started"), "{out}");
}

/// The exercises whose file is shipped not compiling in its suite, on
/// purpose (`stub_compile_error` in the manifest).
fn shipped_not_compiling() -> Vec<String> {
    let manifest = fs::read_to_string(source().join("exercises.toml")).unwrap();
    let mut ids = Vec::new();
    let mut id = None;
    for line in manifest.lines() {
        if let Some(value) = line.strip_prefix("id = ") {
            id = Some(value.trim_matches('"').to_owned());
        }
        if line.starts_with("stub_compile_error") {
            ids.extend(id.clone());
        }
    }
    ids
}

#[test]
fn a_file_shipped_not_compiling_is_not_started_and_its_error_is_shown_as_the_lesson() {
    let (_turn, dir) = copy();
    fresh_progress(dir);
    let ids = shipped_not_compiling();
    assert!(!ids.is_empty(), "no exercise has `stub_compile_error`");
    for id in &ids {
        // As shipped: "not started", and `test` shows the compiler's error
        // with a word that this is where the exercise begins.
        let (out, _) = run(dir, &["list"], 0);
        let line = out.lines().find(|l| l.contains(id.as_str())).unwrap();
        assert!(line.contains("not started"), "{out}");
        let (out, _) = run(dir, &["test", id], 1);
        assert!(out.contains("This exercise starts that way"), "{out}");
        assert!(out.contains("error"), "{out}");
        // Once edited and still not compiling, it is what it is.
        let path = dir.join(format!("exercises/src/{id}.rs"));
        let edited = format!("{}\n// started\n", fs::read_to_string(&path).unwrap());
        let _edited = Replaced::new(path, &edited);
        let (out, _) = run(dir, &["list"], 0);
        let line = out.lines().find(|l| l.contains(id.as_str())).unwrap();
        assert!(line.contains("does not compile"), "{out}");
    }
    // The others are still built together and run: the first is failing
    // once edited, not "does not compile".
    let path = dir.join("exercises/src/countdown.rs");
    let edited = format!("{}\n// started\n", fs::read_to_string(&path).unwrap());
    let _edited = Replaced::new(path, &edited);
    let (out, _) = run(dir, &["list"], 0);
    let line = out.lines().find(|l| l.contains("countdown")).unwrap();
    assert!(line.contains("failing"), "{out}");
}

#[test]
fn doctor_checks_the_toolchain_and_the_files() {
    let (_turn, dir) = copy();
    // Its exit code depends on this machine (is mdBook here?): not checked.
    let output = runner(dir).arg("doctor").output().unwrap();
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(out.contains("Rust 1.88 or newer"), "{out}");
    assert!(out.contains("mdBook"), "{out}");
    assert!(
        out.contains(&format!("the exercises' files ({} exercises)", total())),
        "{out}"
    );
}

/// Defect found in a workshop: a busy-looping suite outlived the runner that
/// started it (q or Ctrl-C in `watch`, Ctrl-C during `test`), spinning a core
/// forever. Here the runner is stopped in every way a learner stops it while
/// such a suite runs, and afterwards no process of the suite may be left.
#[cfg(target_os = "linux")]
mod nothing_outlives_the_runner {
    use super::eventually;
    use super::terminal::Terminal;
    use super::*;
    use nix::sys::signal::{Signal, kill};
    use nix::unistd::Pid;
    use std::io::Write;
    use std::process::{Child, Stdio};

    /// The processes running a `range_stream` suite built in the copy.
    fn suite_processes() -> Vec<i32> {
        let deps = workdir().join("target/debug/deps");
        let deps = fs::canonicalize(&deps).unwrap_or(deps);
        fs::read_dir("/proc")
            .unwrap()
            .flatten()
            .filter_map(|entry| entry.file_name().to_str()?.parse::<i32>().ok())
            .filter(|pid| {
                fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|exe| {
                    exe.starts_with(&deps)
                        && exe
                            .file_name()
                            .is_some_and(|name| name.to_string_lossy().starts_with("range_stream-"))
                })
            })
            .collect()
    }

    /// A `range_stream` suite that spins forever. (The real suites' watchdogs
    /// end a spinning test after a few seconds, and the process with it; a
    /// hang they do not cover, like this one, runs until it is killed.)
    fn spinning_suite(dir: &Path) -> Replaced {
        Replaced::new(
            dir.join("tests/range_stream.rs"),
            "#[test]\nfn spins() {\n    loop {\n        std::hint::spin_loop();\n    }\n}\n",
        )
    }

    fn runner_process(dir: &Path, args: &[&str]) -> StdCommand {
        let mut command = StdCommand::new(cargo_bin("asynclings-runner"));
        command
            .current_dir(dir)
            .args(args)
            .env("CARGO_TARGET_DIR", workdir().join("target"))
            // Far more than the test takes: only the way it is stopped ends it.
            .env("ASYNCLINGS_RUN_BUDGET", "300");
        command
    }

    /// Starts `runner`, waits for the busy suite to run, stops the runner
    /// with `stop`, and checks that it ends and leaves no suite behind.
    fn stopped_while_spinning(how: &str, runner: &mut Child, stop: impl FnOnce(&mut Child)) {
        assert!(
            eventually(Duration::from_secs(120), || !suite_processes().is_empty()),
            "{how}: the busy suite never started"
        );
        stop(runner);
        let ended = eventually(Duration::from_secs(10), || {
            runner.try_wait().unwrap().is_some()
        });
        if !ended {
            runner.kill().ok();
        }
        let left = eventually(Duration::from_secs(5), || suite_processes().is_empty());
        let pids = suite_processes();
        for pid in &pids {
            let _ = kill(Pid::from_raw(*pid), Signal::SIGKILL);
        }
        assert!(ended, "{how}: the runner did not end");
        assert!(
            left,
            "{how}: the suite is still running after the runner ended: {pids:?}"
        );
    }

    #[test]
    fn test_stopped_by_a_signal_leaves_no_suite_running() {
        let (_turn, dir) = copy();
        let _spinning = spinning_suite(dir);
        for signal in [Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP] {
            let mut runner = runner_process(dir, &["test", "range_stream"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            stopped_while_spinning(&format!("`test` and {signal}"), &mut runner, |runner| {
                kill(Pid::from_raw(runner.id() as i32), signal).unwrap();
            });
        }
    }

    #[test]
    fn watch_quit_in_every_way_leaves_no_suite_running() {
        let (_turn, dir) = copy();
        let _spinning = spinning_suite(dir);
        for (how, key) in [("`watch` and q", b"q"), ("`watch` and Ctrl-C", b"\x03")] {
            let mut terminal =
                Terminal::watch(dir, runner_process(dir, &["watch", "range_stream"]));
            let mut keyboard = terminal.keyboard.try_clone().unwrap();
            stopped_while_spinning(how, &mut terminal.runner, |_| {
                keyboard.write_all(key).unwrap()
            });
        }
        for signal in [Signal::SIGTERM, Signal::SIGHUP] {
            let mut terminal =
                Terminal::watch(dir, runner_process(dir, &["watch", "range_stream"]));
            stopped_while_spinning(
                &format!("`watch` and {signal}"),
                &mut terminal.runner,
                |runner| {
                    kill(Pid::from_raw(runner.id() as i32), signal).unwrap();
                },
            );
        }
    }
}

#[test]
fn watch_without_a_terminal_refuses_at_once_and_says_what_to_use() {
    let (_turn, dir) = copy();
    // Output to a pipe, as from a script: it used to draw frames forever.
    let start = Instant::now();
    let (_, err) = run(dir, &["watch", "countdown"], 2);
    assert!(err.contains("`watch` needs a terminal"), "{err}");
    assert!(err.contains("cargo run -- test <id>"), "{err}");
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    let (_turn, dir) = copy();
    // `cargo run -- list | head -1`: head closes the pipe after one line.
    let mut runner = StdCommand::new(cargo_bin("asynclings-runner"))
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", workdir().join("target"))
        .args(["hint", "countdown"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(runner.stdout.take());
    let output = runner.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert!(!err.contains("Broken pipe"), "{err}");
}

#[test]
fn cargo_commands_typed_in_a_subfolder_reach_the_root_package() {
    let (_turn, dir) = copy();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let root = fs::canonicalize(dir.join("Cargo.toml")).unwrap();
    for folder in [
        "exercises",
        "exercises/src",
        "solutions/src",
        "tests",
        "tests/support",
        "subjects/src",
    ] {
        // The manifest cargo takes for `cargo run` or `cargo test` here.
        let out = StdCommand::new(&cargo)
            .current_dir(dir.join(folder))
            .args(["locate-project", "--message-format", "plain"])
            .output()
            .unwrap();
        let found = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        assert_eq!(
            fs::canonicalize(&found).ok(),
            Some(root.clone()),
            "in {folder}/, cargo would use {found}, not the root's Cargo.toml"
        );
    }
    let out = StdCommand::new(&cargo)
        .current_dir(dir.join("exercises/src"))
        .args(["test", "--test", "countdown", "--", "--list"])
        .env("CARGO_TARGET_DIR", workdir().join("target"))
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(
        listed.contains("wakes_its_task_every_time_it_returns_pending: test"),
        "cargo test --test countdown in exercises/src: {listed}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_copy_holds_the_stubs_as_committed_not_the_learners() {
    let (_turn, dir) = copy();
    for entry in fs::read_dir(dir.join("exercises/src")).unwrap() {
        let path = entry.unwrap().path();
        let name = path
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let committed = StdCommand::new("git")
            .current_dir(source())
            .args(["show", &format!("HEAD:{name}")])
            .output()
            .unwrap();
        assert_eq!(
            fs::read(&path).unwrap(),
            committed.stdout,
            "{name} in the copy is not the committed stub"
        );
    }
}

/// Waits (polling every 20 ms, at most `limit`) until `done` holds.
fn eventually(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    done()
}

/// The runner in a terminal of its own (a pseudo-terminal, 80x24), so that
/// `watch` reads keys in raw mode and draws its screen as it does for a
/// learner. What it draws is kept, to be searched.
#[cfg(target_os = "linux")]
mod terminal {
    use std::io::Read;
    use std::path::Path;
    use std::process::{Child, Command, Stdio};
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    pub struct Terminal {
        pub runner: Child,
        /// Writing here is typing.
        pub keyboard: std::fs::File,
        screen: Arc<Mutex<Vec<u8>>>,
    }

    impl Terminal {
        pub fn watch(_dir: &Path, mut command: Command) -> Self {
            use nix::pty::{Winsize, openpty};
            let size = Winsize {
                ws_row: 24,
                ws_col: 80,
                ws_xpixel: 0,
                ws_ypixel: 0,
            };
            let pty = openpty(&size, None).unwrap();
            let terminal = |fd: &std::os::fd::OwnedFd| Stdio::from(fd.try_clone().unwrap());
            let runner = command
                .stdin(terminal(&pty.slave))
                .stdout(terminal(&pty.slave))
                .stderr(terminal(&pty.slave))
                .env("TERM", "xterm")
                .spawn()
                .unwrap();
            drop(pty.slave);
            let keyboard = std::fs::File::from(pty.master);
            // Read the screen, so that `watch` never blocks on a full terminal.
            let screen = Arc::new(Mutex::new(Vec::new()));
            let (mut output, kept) = (keyboard.try_clone().unwrap(), Arc::clone(&screen));
            std::thread::spawn(move || {
                let mut buffer = [0; 4096];
                while let Ok(n) = output.read(&mut buffer) {
                    if n == 0 {
                        break;
                    }
                    kept.lock().unwrap().extend_from_slice(&buffer[..n]);
                }
            });
            Self {
                runner,
                keyboard,
                screen,
            }
        }

        /// Everything drawn so far, as text.
        pub fn drawn(&self) -> String {
            String::from_utf8_lossy(&self.screen.lock().unwrap()).into_owned()
        }

        /// The screen as the learner sees it now (80x24, through a terminal
        /// emulator), and how many lines have scrolled off its top.
        pub fn screen(&self) -> (String, usize) {
            let mut parser = vt100::Parser::new(24, 80, 10_000);
            parser.process(&self.screen.lock().unwrap());
            let contents = parser.screen().contents();
            parser.screen_mut().set_scrollback(usize::MAX);
            (contents, parser.screen().scrollback())
        }

        /// Forgets what was drawn so far.
        pub fn clear(&self) {
            self.screen.lock().unwrap().clear();
        }

        /// Waits, at most `limit`, until the screen shows `text`.
        pub fn shows(&self, text: &str, limit: Duration) -> bool {
            super::eventually(limit, || self.drawn().contains(text))
        }
    }

    impl Drop for Terminal {
        fn drop(&mut self) {
            self.runner.kill().ok();
            self.runner.wait().ok();
        }
    }
}

#[cfg(target_os = "linux")]
#[test]
fn watch_says_when_its_file_is_gone_and_tests_it_again_when_it_is_back() {
    use std::io::Write;
    let (_turn, dir) = copy();
    let terminal = terminal::Terminal::watch(dir, watch_command(dir, "countdown"));
    let long = Duration::from_secs(120);
    assert!(
        terminal.shows("5 of 5 tests fail", long),
        "{}",
        terminal.drawn()
    );
    let path = dir.join("exercises/src/countdown.rs");
    let shipped = fs::read(&path).unwrap();
    terminal.clear();
    fs::remove_file(&path).unwrap();
    let gone = terminal.shows("is gone", Duration::from_secs(10));
    terminal.clear();
    fs::write(&path, &shipped).unwrap();
    let back = terminal.shows("5 of 5 tests fail", long);
    let mut keyboard = &terminal.keyboard;
    keyboard.write_all(b"q").unwrap();
    assert!(
        gone,
        "deleting the watched file got no reaction: {}",
        terminal.drawn()
    );
    assert!(
        back,
        "the file came back, and was not tested again: {}",
        terminal.drawn()
    );
}

/// Friction: on an 80x24 terminal an untouched stub's report (30-70 lines)
/// pushed the header and the first failure off the screen, and every redraw
/// pushed a stale frame into the scrollback.
#[cfg(target_os = "linux")]
#[test]
fn watch_fits_an_80_by_24_screen_with_the_first_failure_and_the_keys() {
    use std::io::Write;
    let (_turn, dir) = copy();
    let terminal = terminal::Terminal::watch(dir, watch_command(dir, "range_stream"));
    let long = Duration::from_secs(120);
    let shown = terminal.shows("8 of 8 tests fail", long);
    // Once more, so that a redraw over a full screen is seen too.
    let mut keyboard = &terminal.keyboard;
    keyboard.write_all(b"r").unwrap();
    terminal.clear();
    let again = terminal.shows("8 of 8 tests fail", long);
    let (screen, scrolled) = terminal.screen();
    keyboard.write_all(b"q").unwrap();
    assert!(shown && again, "{}", terminal.drawn());
    for part in [
        "asynclings watch: range_stream",
        "✗ does_not_overflow_at_the_bottom_of_i32",
        "panicked at exercises/src/range_stream.rs",
        "q quit",
    ] {
        assert!(
            screen.contains(part),
            "the screen shows {part:?}:\n{screen}"
        );
    }
    assert_eq!(scrolled, 0, "nothing scrolled off the screen:\n{screen}");
}

fn watch_command(dir: &Path, id: &str) -> StdCommand {
    let mut command = StdCommand::new(cargo_bin("asynclings-runner"));
    command
        .current_dir(dir)
        .args(["watch", id])
        .env("CARGO_TARGET_DIR", workdir().join("target"));
    command
}

/// Defect: `f` after a compile error showed a blank screen.
#[cfg(target_os = "linux")]
#[test]
fn watch_shows_the_compilers_whole_output_on_f() {
    use std::io::Write;
    let (_turn, dir) = copy();
    let path = dir.join("exercises/src/countdown.rs");
    let stub = fs::read_to_string(&path).unwrap();
    let _broken = Replaced::new(path, &format!("{stub}\nfn half_written( {{\n"));
    let terminal = terminal::Terminal::watch(dir, watch_command(dir, "countdown"));
    let compiled = terminal.shows("does not compile", Duration::from_secs(120));
    terminal.clear();
    let mut keyboard = &terminal.keyboard;
    keyboard.write_all(b"f").unwrap();
    let everything = terminal.shows("could not compile", Duration::from_secs(10));
    keyboard.write_all(b"q").unwrap();
    assert!(compiled, "{}", terminal.drawn());
    assert!(
        everything,
        "f shows the compiler's whole output: {}",
        terminal.drawn()
    );
}

/// Defect: `watch countdown` on a finished exercise moved on at once ("On to
/// the next one"): a learner could not revisit it.
#[cfg(target_os = "linux")]
#[test]
fn watch_on_a_finished_exercise_stays_there_to_revisit_it() {
    use std::io::Write;
    let (_turn, dir) = copy();
    fresh_progress(dir);
    let _countdown = solved(dir, "countdown");
    run(dir, &["test", "countdown"], 0);
    let terminal = terminal::Terminal::watch(dir, watch_command(dir, "countdown"));
    let passed = terminal.shows("all 5 tests pass", Duration::from_secs(120));
    let (screen, _) = terminal.screen();
    let mut keyboard = &terminal.keyboard;
    keyboard.write_all(b"q").unwrap();
    assert!(passed, "{}", terminal.drawn());
    assert!(
        screen.contains("asynclings watch: countdown"),
        "it stays:\n{screen}"
    );
    assert!(screen.contains("was done already"), "{screen}");
    assert!(
        !terminal.drawn().contains("On to the next one"),
        "{}",
        terminal.drawn()
    );
}

/// Friction: the exercises' warnings were switched off, and with them the
/// best nudge toward a lost wake-up there is: an unused `cx`. They show once
/// the learner has edited the file (an untouched stub leaves things unused on
/// purpose).
#[test]
fn the_compilers_warnings_about_an_edited_file_are_shown_as_hints() {
    let (_turn, dir) = copy();
    let (out, _) = run(dir, &["test", "countdown"], 1);
    assert!(
        !out.contains("warning"),
        "not for the untouched stub: {out}"
    );
    let path = dir.join("exercises/src/countdown.rs");
    let stub = fs::read_to_string(&path).unwrap();
    let start = stub.find("todo!(").unwrap();
    let end = start + stub[start..].find('\n').unwrap();
    // Counts down, but never wakes the task: `cx` is left unused.
    let forgetful = format!(
        "{}if self.remaining == 0 {{ return Poll::Ready(()); }}\n        \
         self.remaining -= 1;\n        Poll::Pending{}",
        &stub[..start],
        &stub[end..]
    );
    let _forgetful = Replaced::new(path, &forgetful);
    let (out, _) = run(dir, &["test", "countdown"], 1);
    assert!(out.contains("warning: unused variable: `cx`"), "{out}");
    assert!(
        out.contains("wakes_its_task_every_time_it_returns_pending"),
        "{out}"
    );
}

/// Friction: the runner pointed at the raw Markdown page (with unexpanded
/// `{{#include}}`s) even when the book was built.
#[test]
fn status_points_at_the_built_book_page_when_there_is_one() {
    let (_turn, dir) = copy();
    let page = dir.join("book/book/exercises/countdown.html");
    fs::create_dir_all(page.parent().unwrap()).unwrap();
    fs::write(&page, "<html></html>").unwrap();
    let (out, _) = run(dir, &[], 0);
    let address = format!("file://{}", fs::canonicalize(dir).unwrap().display());
    fs::remove_dir_all(dir.join("book/book")).unwrap();
    assert!(
        out.contains(&format!("{address}/book/book/exercises/countdown.html")),
        "{address} in: {out}"
    );
}
