//! `cargo run -- solution <id>`.

use std::fs;
use std::path::Path;

use anyhow::Result;

use crate::manifest::Manifest;
use crate::progress::Progress;
use crate::state::{Budgets, measure, resolve};

/// `cargo run -- solution <id>`: the reference, once the exercise passes.
pub fn solution(root: &Path, manifest: &Manifest, id: &str, force: bool) -> Result<u8> {
    let exercise = resolve(manifest, id)?;
    if !force {
        let mut progress = Progress::load(root)?;
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
    println!("// {}\n{text}", path.display());
    Ok(0)
}
