//! Reading a suite's outcome for the learner: each failing test and its
//! message, the compiler's first error, and what a hung run probably means.

use std::path::Path;

use crate::manifest::{Exercise, GRADING_TEST, Kind};
use crate::mistakes;
use crate::progress::Outcome;
use crate::state::{Budgets, State};
use crate::suite::{Outcome as TestOutcome, Run, Status};

/// What a learner should read about one run of a suite: each failing test
/// and its message, or the whole output if `full`.
pub fn report(
    root: &Path,
    exercise: &Exercise,
    state: &State,
    run: Option<&Run>,
    full: bool,
) -> String {
    let mut out = String::new();
    let id = &exercise.id;
    match state {
        State::NotBuilt(error) => {
            out.push_str(&format!(
                "✗ {id}: the code does not compile yet.{}\n\n{error}\n",
                exercise.not_compiling_note()
            ));
        }
        State::Ran(Outcome::Hung) => {
            let limit = Budgets::from_env().run.as_secs();
            let hang = run.and_then(|run| run.hang.clone()).unwrap_or_default();
            out.push_str(&format!(
                "⧗ {id}: HUNG. The suite was still running after {limit}s and was stopped.\n"
            ));
            match hang.running.as_slice() {
                [] => {}
                [one] => out.push_str(&format!("Still running: {one}\n")),
                more => {
                    out.push_str("Still running:\n");
                    for name in more {
                        out.push_str(&format!("  {name}\n"));
                    }
                }
            }
            out.push('\n');
            out.push_str(&diagnose(hang.busy_cores));
            if let Some(run) = run {
                let failed: Vec<&TestOutcome> = run.with_status(Status::Failed).collect();
                let passed = run.with_status(Status::Passed).count();
                if !failed.is_empty() {
                    out.push_str(&format!(
                        "\nBefore it was stopped, {} passed and {} failed:\n\n",
                        tests(passed),
                        failed.len()
                    ));
                    failures(&mut out, failed);
                } else if passed > 0 {
                    out.push_str(&format!(
                        "\nBefore it was stopped, {} passed.\n",
                        tests(passed)
                    ));
                }
            }
            if !hang.not_started.is_empty() {
                out.push_str(&format!(
                    "({} never started.)\n",
                    match hang.not_started.len() {
                        1 => "1 more test".to_owned(),
                        n => format!("{n} more tests"),
                    }
                ));
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
            let failed: Vec<&TestOutcome> = run.with_status(Status::Failed).collect();
            let total = run.outcomes.len();
            if *outcome == Outcome::Passed {
                out.push_str(&format!("✓ {id}: all {total} tests pass.\n"));
                if exercise.kind == Kind::WriteTests {
                    out.push_str(
                        "Your tests pass against the reference and catch every hidden bug.\n",
                    );
                }
                warnings(&mut out, id, &run.warnings);
            } else {
                out.push_str(&format!(
                    "✗ {id}: {} of {total} tests fail.\n",
                    failed.len()
                ));
                // A write-tests exercise: the grading's verdict first, in
                // a line (its whole message is the first failure below).
                if exercise.kind == Kind::WriteTests
                    && let Some(verdict) = grading(run)
                {
                    out.push_str(&format!("➜ {verdict}\n"));
                }
                warnings(&mut out, id, &run.warnings);
                // A classic mistake, if the failures look like one: short,
                // and above the failures, where the screen shows it.
                let known = mistakes::known(root, id);
                let seen = mistakes::recognise(&known, run);
                if exercise.kind == Kind::WriteTests && seen.len() > 1 {
                    // The grading below already names every bug missed, in
                    // words: a list of mistakes would say it again.
                    out.push_str(&format!(
                        "Tests that miss these bugs are among the \"Common mistakes\" on its \
                         page, {}.\n",
                        exercise.where_to_read(root)
                    ));
                } else {
                    out.push_str(&mistakes::claim(exercise, root, &seen));
                }
                out.push('\n');
                if !full {
                    failures(&mut out, failed);
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

/// The compiler's warnings about the learner's file, short: an unused
/// parameter is often the first sign of a forgotten waker or context.
fn warnings(out: &mut String, id: &str, warnings: &[String]) {
    if warnings.is_empty() {
        return;
    }
    // Unused variables first: an unused `cx` says more than an unused import.
    let mut warnings: Vec<&String> = warnings.iter().collect();
    warnings.sort_by_key(|w| !w.starts_with("unused variable"));
    out.push_str("The compiler warns about your file (often a hint):\n");
    for warning in warnings.iter().take(2) {
        out.push_str(&format!("  warning: {warning}\n"));
    }
    if warnings.len() > 2 {
        out.push_str(&format!(
            "  (and {} more: `cargo test --test {id}` shows them all)\n",
            warnings.len() - 2
        ));
    }
}

/// The grading's verdict in a write-tests exercise, in one sentence: how
/// many hidden bugs the learner's tests caught ("Your tests caught 4 of 6
/// hidden bugs."), or why they were not run against the bugs (they fail
/// against the reference). `None` if the grading test passed or did not run.
pub fn grading(run: &Run) -> Option<String> {
    let outcome = run
        .with_status(Status::Failed)
        .find(|o| o.name == GRADING_TEST)?;
    let message = message_lines(&outcome.output);
    let first = message
        .iter()
        .find(|line| !line.starts_with("panicked at "))?;
    Some(match caught(first) {
        Some((k, n)) if k < n => format!(
            "Your tests caught {k} of {n} hidden bugs: what the other {} do wrong is below.",
            n - k
        ),
        Some((k, n)) => format!(
            "Your tests caught {k} of {n} hidden bugs, but hung against some instead of \
             failing: see below."
        ),
        None => first_sentence(first),
    })
}

/// "caught 4 of 6 bugs…": (4, 6).
fn caught(line: &str) -> Option<(usize, usize)> {
    let rest = line.strip_prefix("caught ")?;
    let (k, rest) = rest.split_once(" of ")?;
    let (n, _) = rest.split_once(" bugs")?;
    Some((k.parse().ok()?, n.parse().ok()?))
}

/// A line up to its first full stop (or colon, after 60 characters).
fn first_sentence(line: &str) -> String {
    let end = line
        .char_indices()
        .find(|&(i, c)| (c == '.' || (c == ':' && i > 60)) && line[i + 1..].starts_with(' '))
        .map_or(line.len(), |(i, _)| i);
    format!("{}.", line[..end].trim_end_matches(['.', ':']))
}

/// "1 test", "2 tests".
fn tests(n: usize) -> String {
    if n == 1 {
        "1 test".into()
    } else {
        format!("{n} tests")
    }
}

/// What the CPU use of a hung suite says about its cause.
fn diagnose(busy_cores: Option<f64>) -> String {
    match busy_cores {
        Some(cores) if cores >= 0.5 => format!(
            "It kept the CPU busy until the end ({cores:.1} cores in its last 2 seconds): \
             a busy loop. Something runs without end: a `loop` that never breaks, or a future \
             that wakes itself and returns Pending again and again, so it is polled forever \
             without getting anywhere.\n"
        ),
        Some(cores) if cores <= 0.1 => format!(
            "It sat idle until the end ({cores:.1} cores in its last 2 seconds): it was waiting \
             for something that never happened. Likely a lost wake-up (a poll returned Pending \
             without arranging a wake-up, so the task is never polled again) or a deadlock (a \
             lock taken twice; a blocking `recv`, `join` or `std::thread::sleep` that waits \
             forever).\n"
        ),
        _ => "The usual causes, and how to tell them apart:\n\
              - a busy loop: a `loop` that never breaks, a future that wakes itself and returns \
              Pending forever. A CPU core sits at 100% while it runs.\n\
              - a lost wake-up: a poll returned Pending and nothing will ever wake the task, so \
              whoever waits for it waits forever. The CPU stays idle.\n\
              - a deadlock: a lock taken twice, or a blocking call (`std::thread::sleep`, a std \
              channel's `recv`, `join`) waiting for something that cannot happen. Also idle.\n"
            .to_owned(),
    }
}

/// Each failing test with its message. Tests that failed with the very same
/// message at the very same place are listed together above it; groups come
/// in name order, so the report reads the same from one run to the next
/// (libtest finishes tests in whatever order its threads do).
fn failures(out: &mut String, mut failed: Vec<&TestOutcome>) {
    // A write-tests suite's grading test first: it says what was missed.
    failed.sort_by_key(|o| (o.name != GRADING_TEST, o.name.clone()));
    // Each failure's message, and the timeline of what the code under test
    // did (if the suite traced it), which differs from test to test even
    // when the message is the same.
    let mut groups: Vec<(Vec<&str>, Vec<String>, Vec<String>)> = Vec::new();
    for outcome in failed {
        let mut message = message_lines(&outcome.output);
        let timeline = match message.iter().position(|line| is_timeline(line)) {
            Some(start) => message.split_off(start),
            None => Vec::new(),
        };
        match groups.iter_mut().find(|(_, m, _)| *m == message) {
            Some((names, _, _)) => names.push(&outcome.name),
            None => groups.push((vec![&outcome.name], message, timeline)),
        }
    }
    for (group, (names, message, timeline)) in groups.into_iter().enumerate() {
        for name in &names {
            out.push_str(&format!("✗ {name}\n"));
        }
        if names.len() > 1 {
            out.push_str(&format!(
                "  (these {} tests failed the same way:)\n",
                names.len()
            ));
        }
        for line in &message {
            out.push_str(&format!("    {line}\n"));
        }
        // The first failure shows what the code did, poll by poll; the
        // others leave it to `--full`, so that the screen stays readable.
        if group == 0 {
            for line in &timeline {
                out.push_str(&format!("    {line}\n"));
            }
        } else if !timeline.is_empty() {
            out.push_str("    (what your code did, poll by poll: see `--full`)\n");
        }
        out.push('\n');
    }
}

/// The first line of the poll/wake timeline a suite adds to a failure
/// (`what your stream did (virtual ms):`; see tests/support/timeline.rs).
fn is_timeline(line: &str) -> bool {
    line.starts_with("what your ") && (line.ends_with(" did:") || line.ends_with("):"))
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

/// The compiler's first error, whole (its location, the code, and rustc's
/// `help:` and `note:` lines, which often hold the fix), from cargo's output,
/// with a count of the errors after it.
pub fn first_error(messages: &str) -> String {
    let lines: Vec<&str> = messages.lines().collect();
    let is_error = |line: &str| {
        line.starts_with("error")
            && !line.starts_with("error: could not compile")
            && !line.starts_with("error: aborting")
    };
    let Some(start) = lines.iter().position(|line| is_error(line)) else {
        // No rustc error: cargo's own complaint is at the end.
        return lines[lines.len().saturating_sub(5)..].join("\n");
    };
    // A rendered diagnostic ends at the first empty line.
    let first: Vec<&str> = lines[start..]
        .iter()
        .take_while(|line| !line.is_empty())
        .copied()
        .collect();
    let more = lines[start + first.len()..]
        .iter()
        .filter(|line| is_error(line))
        .count();
    let mut text = first.join("\n");
    if more > 0 {
        text.push_str(&format!(
            "\n\n({more} more error(s) after this one; fixing the first often fixes them too.)"
        ));
    }
    text
}

#[cfg(test)]
mod tests {

    use super::*;

    fn run_with_grading(message: &str) -> Run {
        let output = format!(
            "thread '{GRADING_TEST}' (7) panicked at tests/support/grading.rs:58:25:\n{message}"
        );
        Run::of(&[
            (
                "catch_countdown::zero_polls_is_ready_at_once",
                Status::Passed,
                "",
            ),
            (GRADING_TEST, Status::Failed, &output),
        ])
    }

    fn failed(name: &str, output: &str) -> TestOutcome {
        TestOutcome {
            name: name.to_owned(),
            status: Status::Failed,
            output: output.to_owned(),
        }
    }

    #[test]
    fn the_first_failure_shows_its_timeline_and_the_others_point_to_full() {
        let lost = "thread 'a' panicked at tests/x.rs:1:1:\nlost wake-up\n\n\
            what your stream did (virtual ms):\n  t=0        poll 1 -> Pending\n";
        let other = "thread 'b' panicked at tests/x.rs:2:1:\ntoo early\n\n\
            what your stream did:\n  poll 1 -> Ready(Some(1))\n";
        let (a, b) = (failed("a", lost), failed("b", other));
        let mut out = String::new();
        failures(&mut out, vec![&b, &a]);
        assert!(
            out.contains("what your stream did (virtual ms):\n      t=0        poll 1 -> Pending"),
            "{out}"
        );
        assert!(!out.contains("Ready(Some(1))"), "{out}");
        assert!(out.contains("poll by poll: see `--full`"), "{out}");
    }

    #[test]
    fn failures_alike_but_for_their_timelines_are_one_group() {
        let first = "thread 'a' panicked at tests/x.rs:1:1:\nlost wake-up\n\
            what your future did:\n  poll 1 -> Pending\n";
        let second = "thread 'b' panicked at tests/x.rs:1:1:\nlost wake-up\n\
            what your future did:\n  polls 1 and 2 -> Pending\n";
        let (a, b) = (failed("a", first), failed("b", second));
        let mut out = String::new();
        failures(&mut out, vec![&a, &b]);
        assert!(out.contains("these 2 tests failed the same way"), "{out}");
        assert!(out.contains("poll 1 -> Pending"), "{out}");
    }

    #[test]
    fn reads_how_many_bugs_were_caught() {
        assert_eq!(
            caught("caught 4 of 6 bugs. Your tests all pass"),
            Some((4, 6))
        );
        assert_eq!(caught("caught 0 of 6 bugs"), Some((0, 6)));
        assert_eq!(caught("caught 6 of 6 bugs."), Some((6, 6)));
        assert_eq!(caught("4 of your 4 tests fail"), None);
        assert_eq!(caught("caught some of 6 bugs"), None);
    }

    #[test]
    fn the_grading_verdict_is_one_sentence() {
        let run = run_with_grading(
            "caught 4 of 6 bugs. Your tests all pass against 2 hidden bugs of Countdown:\n\
             - missed: it returns Pending without waking its task.",
        );
        assert_eq!(
            grading(&run).as_deref(),
            Some("Your tests caught 4 of 6 hidden bugs: what the other 2 do wrong is below.")
        );
        let run = run_with_grading("caught 6 of 6 bugs.\nYour tests hung against 1 of the bugs");
        assert!(grading(&run).unwrap().contains("hung"));
        let run = run_with_grading(
            "1 of your 4 tests fails against the correct Countdown (subjects/src/reference/\
             countdown.rs): a test that fails on correct code is wrong, or not finished yet. \
             Make every test pass against it first.",
        );
        assert_eq!(
            grading(&run).as_deref(),
            Some(
                "1 of your 4 tests fails against the correct Countdown \
                 (subjects/src/reference/countdown.rs)."
            )
        );
        let mut passed = run_with_grading("");
        passed.outcomes[1].status = Status::Passed;
        assert_eq!(grading(&passed), None);
    }
}
