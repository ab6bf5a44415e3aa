//! The asynclings runner: `cargo run -- <command>`.

//!
//! Where things are: `commands/` holds one module per command a learner or an
//! instructor types; they build on the manifest (`manifest.rs`), the progress
//! record (`progress.rs`), where each exercise stands (`state.rs`), building
//! and running a suite (`suite.rs`, in process groups from `process.rs`) and
//! reading its outcome for the learner (`report.rs`). `maintainer/` holds
//! what only maintainers run: verify, the variants, the book preprocessor and
//! the benchmark reports.

mod commands;
mod maintainer;
mod manifest;
mod mistakes;
mod process;
mod progress;
mod report;
mod screen;
mod state;
mod suite;

use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};

use commands::Usage;
use maintainer::{bench_report, book, loop_bench, variants, verify};
use manifest::{Manifest, find_root};

/// Exercises, hidden test suites and a book for learning async Rust from the inside.
#[derive(Parser)]
// Learners start it with `cargo run` (../src/main.rs hands over to it).
#[command(name = "asynclings", bin_name = "cargo run --", version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Your progress and the next exercise (the default).
    Status {
        /// Every exercise's state as JSON, for an instructor's script.
        #[arg(long)]
        json: bool,
    },
    /// Every exercise, in order, with its state.
    List,
    /// Run every exercise's tests again (nothing remembered) and show a table:
    /// after a break, or to check a laptop.
    CheckAll,
    /// Run one exercise's tests and show each failure's message.
    Test {
        /// The exercise, for example `countdown` (default: the current one).
        id: Option<String>,
        /// Show the tests' whole output, not just the failures.
        #[arg(long)]
        full: bool,
    },
    /// Re-run the current exercise's tests on every save; q quits, h hints.
    Watch {
        /// Start with this exercise instead of the first one not done.
        id: Option<String>,
        /// Look for saved files every half second instead of waiting for the
        /// system's file events, which some places never send (WSL2 with the
        /// checkout on a Windows drive, network drives, some containers).
        #[arg(long)]
        poll: bool,
    },
    /// Show the next of an exercise's three hints (they are remembered).
    Hint {
        /// The exercise, for example `countdown` (default: the current one).
        id: Option<String>,
    },
    /// Restore an exercise's file as shipped; your version is backed up.
    Reset {
        /// The exercise, for example `countdown`.
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        id: Option<String>,
        /// Restore every exercise.
        #[arg(long)]
        all: bool,
    },
    /// Show the reference solution, once the exercise passes.
    Solution {
        /// The exercise, for example `countdown` (default: the current one).
        id: Option<String>,
        /// Show it even if the exercise does not pass yet (instructors).
        #[arg(long)]
        force: bool,
    },
    /// Build everything ahead of time, so the exercises work offline.
    Prepare,
    /// Check the toolchain and what is missing, and say how to fix it.
    Doctor,
    /// Maintainers: check everything CI checks (also `cargo verify`).
    Verify,
    /// Maintainers: verify's check of the variants alone, and what the report
    /// names in each run (variants, solution, untouched stub).
    Variants {
        /// These exercises only (default: every exercise with variants).
        ids: Vec<String>,
    },
    /// Maintainers: write the book's benchmark tables and chart from the last
    /// `cargo bench-all` (book/src/measured/).
    BenchReport,
    /// Maintainers: time the edit -> test loop beside rustlings' and write the
    /// Performance chapter's table (book/src/measured/loop.md).
    LoopBench {
        /// How many times each command runs (the median is reported).
        #[arg(long, default_value_t = 9)]
        rounds: usize,
        /// Also time an earlier git revision of this repository, in the same
        /// rounds: a before/after table.
        #[arg(long)]
        against: Option<String>,
    },
    /// Used by the book's build (mdBook calls it): adds the exercise pages.
    #[command(hide = true)]
    BookPreprocessor {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    process::stop_everything_on_signals();
    quiet_when_the_reader_is_gone();
    let result =
        std::panic::catch_unwind(|| run(cli.command.unwrap_or(Command::Status { json: false })));
    // Nothing the runner started outlives it, whatever the command did.
    process::stop_everything();
    let result = match result {
        Ok(result) => result,
        // The reader of our output went away (`cargo run -- hint x | head`):
        // there is nobody left to tell anything.
        Err(payload) if reader_gone(&*payload) => return ExitCode::SUCCESS,
        Err(payload) => std::panic::resume_unwind(payload),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("error: {error:#}");
            if error.downcast_ref::<Usage>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

/// Whether a panic is `println!` failing because the pipe it writes to was
/// closed (`| head`): not a bug, and not worth a message.
fn reader_gone(payload: &(dyn std::any::Any + Send)) -> bool {
    let message = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or_default();
    message.contains("failed printing to std") && message.contains("Broken pipe")
}

/// Keeps the panic hook from printing a closed pipe's panic; every other
/// panic is reported as usual.
fn quiet_when_the_reader_is_gone() {
    let usual = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !reader_gone(info.payload()) {
            usual(info);
        }
    }));
}

/// Runs `command`; the result is the process's exit code.
fn run(command: Command) -> Result<u8> {
    let root = find_root().map_err(|error| Usage(format!("{error:#}")))?;
    let manifest = || Manifest::load(&root);
    let ok = |result: Result<()>| result.map(|()| 0);
    match command {
        Command::Status { json: false } => ok(commands::status::status(&root, &manifest()?)),
        Command::Status { json: true } => ok(commands::status::status_json(&root, &manifest()?)),
        Command::List => ok(commands::status::list(&root, &manifest()?)),
        Command::CheckAll => commands::status::check_all(&root, &manifest()?),
        Command::Test { id, full } => {
            commands::test::test(&root, &manifest()?, id.as_deref(), full)
        }
        Command::Watch { id, poll } => {
            commands::watch::watch(&root, &manifest()?, id.as_deref(), poll)
        }
        Command::Hint { id } => ok(commands::hint::hint(&root, &manifest()?, id.as_deref())),
        Command::Reset { id, all: _ } => {
            ok(commands::reset::reset(&root, &manifest()?, id.as_deref()))
        }
        Command::Solution { id, force } => {
            commands::solution::solution(&root, &manifest()?, id.as_deref(), force)
        }
        Command::Prepare => ok(commands::prepare::prepare(&root, &manifest()?)),
        Command::Doctor => commands::doctor::doctor(&root, &manifest()?),
        Command::Verify => ok(verify::verify(&root)),
        Command::Variants { ids } => ok(variants::check_alone(&root, &manifest()?, &ids)),
        Command::BenchReport => ok(bench_report::bench_report(&root)),
        Command::LoopBench { rounds, against } => ok(loop_bench::loop_bench(
            &root,
            &manifest()?,
            rounds,
            against.as_deref(),
        )),
        Command::BookPreprocessor { args } => ok(book::preprocess(&root, &args)),
    }
}
