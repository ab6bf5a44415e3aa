//! `cargo run -- doctor`: what is installed, what is missing, how to fix it.

use std::fs;
use std::path::Path;
use std::process::Command;

use anyhow::Result;

use super::prepare::mdbook_version;
use crate::manifest::Manifest;

/// `cargo run -- doctor`: what is installed, what is missing, how to fix it.
/// Returns 0 if everything a learner needs is there.
pub fn doctor(root: &Path, manifest: &Manifest) -> Result<u8> {
    let mut problems = 0;
    let mut check = |ok: bool, essential: bool, what: String, fix: &str| {
        let mark = if ok {
            "✓"
        } else if essential {
            "✗"
        } else {
            "!"
        };
        println!("{mark} {what}");
        if !ok {
            println!("    {fix}");
            if essential {
                problems += 1;
            }
        }
    };
    let rustc = Command::new("rustc")
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    let new_enough = rustc
        .as_deref()
        .and_then(rust_minor)
        .is_some_and(|minor| minor >= 88);
    check(
        new_enough,
        true,
        format!(
            "Rust 1.88 or newer: {}",
            rustc.as_deref().unwrap_or("rustc not found")
        ),
        "Install or update Rust with rustup (https://rustup.rs): `rustup update stable`.",
    );
    let mdbook = mdbook_version();
    check(
        mdbook.as_deref().is_some_and(|v| v.contains(" v0.5.")),
        false,
        format!(
            "mdBook 0.5, to build the book: {}",
            mdbook.as_deref().unwrap_or("not installed")
        ),
        "Optional (the book can also be read as Markdown in book/src): \
         `cargo install --locked mdbook --version 0.5.4` (a couple of minutes).",
    );
    let git = Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    check(
        git,
        false,
        "git, for `reset`".into(),
        "Install git; without it, `reset` cannot restore a stub.",
    );
    let missing = manifest.missing_files(root);
    check(
        missing.is_empty(),
        true,
        format!(
            "the exercises' files ({} exercises)",
            manifest.exercises.len()
        ),
        &missing.join("\n    "),
    );
    let unbuilt = unbuilt_suites(root, manifest);
    check(
        unbuilt.is_empty(),
        false,
        "every suite built ahead of time (works offline)".into(),
        &format!(
            "Not built yet: {}. Run `cargo run -- prepare` once, with network, before the \
             workshop.",
            unbuilt.join(", ")
        ),
    );
    if problems == 0 {
        println!("\nReady. Start with `cargo run`.");
        Ok(0)
    } else {
        println!("\n{problems} problem(s) to fix first.");
        Ok(1)
    }
}

/// The exercises whose suite has no test executable in the target folder yet
/// (cargo names it `<id>-<hash>` in `target/debug/deps`).
fn unbuilt_suites<'m>(root: &Path, manifest: &'m Manifest) -> Vec<&'m str> {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let names: Vec<String> = fs::read_dir(target.join("debug/deps"))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|entry| entry.path().extension().is_none())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    let edited = crate::state::edited_stubs(root);
    manifest
        .exercises
        .iter()
        // `prepare` leaves these for later: see `prepare`.
        .filter(|e| !e.untouched_and_not_compiling(edited.as_deref()))
        .map(|e| e.id.as_str())
        .filter(|id| {
            !names.iter().any(|name| {
                name.strip_prefix(id)
                    .and_then(|rest| rest.strip_prefix('-'))
                    .is_some_and(|hash| hash.chars().all(|c| c.is_ascii_hexdigit()))
            })
        })
        .collect()
}

/// The minor version of `rustc 1.88.0 (…)`.
fn rust_minor(version: &str) -> Option<u32> {
    version
        .split_whitespace()
        .nth(1)?
        .split('.')
        .nth(1)?
        .parse()
        .ok()
}
