//! The asynclings runner: `cargo run -- <command>`.

mod bench_report;
mod book;
mod manifest;
mod suite;
mod variants;
mod verify;

use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};

use manifest::{Manifest, find_root};

/// Exercises, hidden test suites and a book for learning async Rust from the inside.
#[derive(Parser)]
#[command(version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// List the exercises in order, with the file to edit and the command to test it.
    List,
    /// Maintainers: check everything CI checks (also `cargo verify`).
    Verify,
    /// Maintainers: write the book's benchmark tables and chart from the last
    /// `cargo bench` (book/src/measured/).
    BenchReport,
    /// Used by the book's build (mdBook calls it): adds the exercise pages.
    #[command(hide = true)]
    BookPreprocessor {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command.unwrap_or(Command::List)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> Result<()> {
    let root = find_root()?;
    match command {
        Command::List => list(&Manifest::load(&root)?),
        Command::Verify => verify::verify(&root),
        Command::BenchReport => bench_report::bench_report(&root),
        Command::BookPreprocessor { args } => book::preprocess(&root, &args),
    }
}

fn list(manifest: &Manifest) -> Result<()> {
    println!(
        "asynclings: {} exercises, in order\n",
        manifest.exercises.len()
    );
    let width = manifest.exercises.iter().map(|e| e.id.len()).max();
    let width = width.unwrap_or_default();
    for (n, exercise) in manifest.exercises.iter().enumerate() {
        println!("{:>2}. {:<width$}  {}", n + 1, exercise.id, exercise.title);
        println!("    edit  {}", exercise.stub().display());
        println!("    test  {}", exercise.test_command());
        println!("    read  {}\n", exercise.book_page().display());
    }
    println!("Start with the first one. The book: `mdbook serve book --open`.");
    Ok(())
}
