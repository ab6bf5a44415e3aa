//! `cargo run -- hint <id>`.

use std::path::Path;

use anyhow::Result;

use crate::manifest::Manifest;
use crate::progress::Progress;
use crate::state::resolve;

/// `cargo run -- hint <id>`: the next of the three hints, remembered.
pub fn hint(root: &Path, manifest: &Manifest, id: &str) -> Result<()> {
    let exercise = resolve(manifest, id)?;
    let mut progress = Progress::load(root)?;
    let entry = progress.entry(&exercise.id);
    let labels = ["a nudge", "the concept", "nearly the answer"];
    if entry.hints_shown >= exercise.hints.len() {
        println!("All three hints for `{}` have been shown:\n", exercise.id);
        for (n, hint) in exercise.hints.iter().enumerate() {
            println!("Hint {} of 3 ({}):\n{hint}\n", n + 1, labels[n]);
        }
        println!(
            "Still stuck? Read {}; once the exercise passes, `cargo run -- solution {}` \
             shows the reference.",
            exercise.book_page().display(),
            exercise.id
        );
        return Ok(());
    }
    let n = entry.hints_shown;
    entry.hints_shown += 1;
    println!(
        "Hint {} of 3 for `{}` ({}):\n\n{}\n",
        n + 1,
        exercise.id,
        labels[n],
        exercise.hints[n]
    );
    if n + 1 < exercise.hints.len() {
        println!("(Run the same command again for the next one.)");
    }
    progress.save()
}
