//! `cargo run -- prepare`: everything built ahead of a workshop.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::Command;

use anyhow::{Result, bail};

use std::sync::atomic::AtomicBool;
use std::time::Duration;

use crate::manifest::Manifest;
use crate::suite::{self, Build};

/// `cargo run -- prepare`: builds everything a workshop needs, so the first
/// loop is fast and nothing needs the network afterwards: the runner (it is
/// running), every suite against the learner's exercises, and the book.
/// (Not the suites against the solutions: a learner never builds those, and
/// they would double the target folder.)
pub fn prepare(root: &Path, manifest: &Manifest) -> Result<()> {
    // A file shipped not compiling on purpose (its lesson is the compiler's
    // error) has its suite built once the learner has changed it: its
    // dependencies are the others', so that needs no network either.
    let edited = crate::state::edited_stubs(root);
    let ids: Vec<&str> = manifest
        .exercises
        .iter()
        .filter(|e| !e.untouched_and_not_compiling(edited.as_deref()))
        .map(|e| e.id.as_str())
        .collect();
    println!("building the {} suites: cargo test --no-run", ids.len());
    // Quietly: the untouched stubs' warnings (unused parameters, on purpose)
    // would fill the screen. Cargo's progress is shown one line at a time.
    let never = AtomicBool::new(false);
    let mut last = String::new();
    let terminal = std::io::stdout().is_terminal();
    let build = suite::build_quietly(root, &ids, Duration::from_secs(3600), &never, |line| {
        let line = line.trim();
        if let Some(what) = line.strip_prefix("Compiling ") {
            let krate = what.split_whitespace().next().unwrap_or(what);
            if krate != last {
                // On a terminal, one line that changes; in a log, a line each.
                if terminal {
                    print!("\r\x1b[2K  compiling {krate}");
                    let _ = std::io::stdout().flush();
                } else {
                    println!("  compiling {krate}");
                }
                last = krate.to_owned();
            }
        }
    })?;
    match build {
        Build::Built(..) if terminal => println!("\r\x1b[2K  done"),
        Build::Built(..) => println!("  done"),
        Build::Failed(messages) => bail!(
            "the suites do not build:\n{}",
            crate::report::first_error(&messages)
        ),
        Build::TimedOut | Build::Cancelled => bail!("the build was stopped"),
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

pub fn mdbook_version() -> Option<String> {
    let output = Command::new("mdbook").arg("--version").output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}
