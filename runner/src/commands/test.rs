//! `cargo run -- test <id>`.

use std::path::Path;

use anyhow::Result;

use super::EXIT_HUNG;
use crate::manifest::{Exercise, Manifest};
use crate::progress::{Outcome, Progress};
use crate::report::report;
use crate::state::{Budgets, State, measure, resolve};

/// `cargo run -- test <id>`: one suite, with a short summary. Returns the
/// process exit code: 0 passed, 1 failed or did not compile, 3 hung.
pub fn test(root: &Path, manifest: &Manifest, id: &str, full: bool) -> Result<u8> {
    let exercise = resolve(manifest, id)?;
    let mut progress = Progress::load(root)?;
    // Always run: the learner asked for it, and wants to see the messages.
    progress.entry(&exercise.id).fingerprint.clear();
    let mut states = measure(root, &mut progress, &[exercise], Budgets::from_env())?;
    let (state, run) = states.remove(&exercise.id).expect("measured");
    print!("{}", report(exercise, &state, run.as_ref(), full));
    if state.is_done()
        && let Some(next) = next_after(manifest, exercise)
    {
        println!(
            "Next: {} ({}): {}",
            next.title,
            next.id,
            next.stub().display()
        );
    }
    Ok(match state {
        State::Ran(Outcome::Passed) => 0,
        State::Ran(Outcome::Hung) => EXIT_HUNG,
        _ => 1,
    })
}

fn next_after<'m>(manifest: &'m Manifest, exercise: &Exercise) -> Option<&'m Exercise> {
    let position = manifest
        .exercises
        .iter()
        .position(|e| e.id == exercise.id)?;
    manifest.exercises.get(position + 1)
}
