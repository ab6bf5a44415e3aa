//! `cargo run -- prepare`: everything built ahead of a workshop.

use std::path::Path;
use std::process::Command;

use anyhow::{Result, bail};

use crate::suite;

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

pub fn mdbook_version() -> Option<String> {
    let output = Command::new("mdbook").arg("--version").output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}
