//! `cargo run` (status), `cargo run -- list` and `cargo run -- status --json`.

use std::path::Path;

use anyhow::Result;
use serde_json::json;

use crate::manifest::{Exercise, Manifest};
use crate::progress::{PROGRESS_FILE, Progress};
use crate::state::{Budgets, State, measure, next};

fn bar(done: usize, total: usize) -> String {
    let width = 30;
    let filled = (done * width).checked_div(total).unwrap_or(0);
    format!("[{}{}]", "#".repeat(filled), "-".repeat(width - filled))
}

/// `cargo run`: progress, and what to do next.
pub fn status(root: &Path, manifest: &Manifest) -> Result<()> {
    let mut progress = Progress::load(root)?;
    note_unknown(&progress, manifest);
    let all: Vec<&Exercise> = manifest.exercises.iter().collect();
    let states = measure(root, &mut progress, &all, Budgets::from_env())?;
    let done = states.values().filter(|(s, _)| s.is_done()).count();
    let total = manifest.exercises.len();
    println!(
        "asynclings: {done} of {total} exercises done  {}  {}%\n",
        bar(done, total),
        done * 100 / total
    );
    match next(manifest, &states) {
        None => println!(
            "Every exercise passes. Well done! The book has more to read, and \
             variants/ shows the classic mistakes: try to break a solution the way they do."
        ),
        Some(exercise) => {
            let state = &states[&exercise.id].0;
            println!("Next: {} ({})", exercise.title, exercise.id);
            println!("  edit   {}", exercise.stub().display());
            println!("  read   {}", exercise.book_page().display());
            println!("  test   {}", exercise.test_command());
            println!("  watch  cargo run -- watch   (re-runs the tests on every save)");
            if let State::NotBuilt(error) = state {
                println!("\nIt does not compile yet:\n{error}");
            }
        }
    }
    Ok(())
}

fn note_unknown(progress: &Progress, manifest: &Manifest) {
    for id in progress.unknown_ids(manifest) {
        eprintln!(
            "note: {PROGRESS_FILE} mentions `{id}`, which is no longer an exercise (renamed or \
             removed by an update); skipped"
        );
    }
}

/// `cargo run -- list`: every exercise with its state.
pub fn list(root: &Path, manifest: &Manifest) -> Result<()> {
    let mut progress = Progress::load(root)?;
    note_unknown(&progress, manifest);
    let all: Vec<&Exercise> = manifest.exercises.iter().collect();
    let states = measure(root, &mut progress, &all, Budgets::from_env())?;
    let width = manifest
        .exercises
        .iter()
        .map(|e| e.id.len())
        .max()
        .unwrap_or(0);
    for (n, exercise) in manifest.exercises.iter().enumerate() {
        let state = &states[&exercise.id].0;
        let mark = if state.is_done() { "✓" } else { " " };
        println!(
            "{mark} {:>2}. {:<width$}  {:<16}  {}",
            n + 1,
            exercise.id,
            state.label(),
            exercise.title
        );
    }
    Ok(())
}

/// `cargo run -- status --json`: the same, for an instructor's script.
pub fn status_json(root: &Path, manifest: &Manifest) -> Result<()> {
    let mut progress = Progress::load(root)?;
    let all: Vec<&Exercise> = manifest.exercises.iter().collect();
    let states = measure(root, &mut progress, &all, Budgets::from_env())?;
    let exercises: Vec<_> = manifest
        .exercises
        .iter()
        .map(|e| {
            json!({
                "id": e.id,
                "title": e.title,
                "state": states[&e.id].0.label(),
                "hints_shown": progress.entries.get(&e.id).map_or(0, |p| p.hints_shown),
                "file": e.stub(),
            })
        })
        .collect();
    let done = states.values().filter(|(s, _)| s.is_done()).count();
    let report = json!({
        "done": done,
        "total": manifest.exercises.len(),
        "next": next(manifest, &states).map(|e| e.id.clone()),
        "exercises": exercises,
    });
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}
