//! Reading a suite's outcome for the learner: each failing test and its
//! message, the compiler's first error, and what a hung run probably means.

use crate::manifest::Exercise;
use crate::progress::Outcome;
use crate::state::{Budgets, State};
use crate::suite::{Run, Status};

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
