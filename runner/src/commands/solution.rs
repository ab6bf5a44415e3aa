//! `cargo run -- solution <id>`.

use std::fs;
use std::path::Path;

use anyhow::Result;

use crate::manifest::Manifest;
use crate::progress::Progress;
use crate::state::{Budgets, chosen, measure};

/// `cargo run -- solution <id>`: the reference, once the exercise passes.
/// Without an id, it is the current exercise's (which is not done, so it
/// stays hidden without `--force`).
pub fn solution(root: &Path, manifest: &Manifest, id: Option<&str>, force: bool) -> Result<u8> {
    let mut progress = Progress::load(root)?;
    let exercise = chosen(root, manifest, &progress, id)?;
    if !force {
        let states = measure(root, &mut progress, &[exercise], Budgets::from_env())?;
        if !states[&exercise.id].0.is_done() {
            println!(
                "`{}` does not pass yet, so its solution stays hidden: solving it is the \
                 exercise. Try `cargo run -- hint {}`. (Instructors: `--force`.)",
                exercise.id, exercise.id
            );
            return Ok(1);
        }
    }
    let path = exercise.solution();
    let text = fs::read_to_string(root.join(&path))?;
    // The book includes parts of the solutions between `// ANCHOR: name`
    // and `// ANCHOR_END: name` lines: markup for mdBook, not code.
    let code: String = text
        .lines()
        .filter(|line| {
            let line = line.trim_start();
            !line.starts_with("// ANCHOR:") && !line.starts_with("// ANCHOR_END:")
        })
        .map(|line| format!("{line}\n"))
        .collect();
    println!("// {}\n{code}", path.display());
    Ok(0)
}
