//! `cargo run -- test <id>`.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::Result;

use super::EXIT_HUNG;
use crate::manifest::Manifest;
use crate::progress::{Outcome, Progress};
use crate::report::report;
use crate::screen;
use crate::state::{Budgets, State, chosen, current, measure};

/// `cargo run -- test <id>`: one suite, with a short summary. Returns the
/// process exit code: 0 passed, 1 failed or did not compile, 3 hung.
/// Without an id, it tests the current exercise (the first not done).
pub fn test(root: &Path, manifest: &Manifest, id: Option<&str>, full: bool) -> Result<u8> {
    let mut progress = Progress::load(root)?;
    let exercise = chosen(root, manifest, &progress, id)?;
    // Always run: the learner asked for it, and wants to see the messages.
    progress.entry(&exercise.id).fingerprint.clear();
    let mut states = measure(root, &mut progress, &[exercise], Budgets::from_env())?;
    let (state, run) = states.remove(&exercise.id).expect("measured");
    let text = report(root, exercise, &state, run.as_ref(), full);
    if std::io::stdout().is_terminal() && !full {
        // On a terminal, the top of the report (the first failure) must not
        // scroll away: wrap it to the width and cut it to the height.
        let (width, height) = screen::size();
        let more = format!("`cargo run -- test {} | less` shows all", exercise.id);
        for line in screen::fit(&screen::wrap(&text, width), width, height - 2, &more) {
            println!("{line}");
        }
    } else {
        print!("{text}");
    }
    if state.is_done() {
        // The first exercise not done, wherever it is: the one after this
        // may be done already, and one before it may not be.
        match current(root, manifest, &progress) {
            Some(next) => println!(
                "Next: {} ({}): {}",
                next.title,
                next.id,
                next.stub().display()
            ),
            None => println!("Every exercise passes. Well done!"),
        }
    }
    Ok(match state {
        State::Ran(Outcome::Passed) => 0,
        State::Ran(Outcome::Hung) => EXIT_HUNG,
        _ => 1,
    })
}
