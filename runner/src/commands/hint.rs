//! `cargo run -- hint <id>`.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::Result;

use crate::manifest::Manifest;
use crate::progress::Progress;
use crate::screen;
use crate::state::chosen;

/// `cargo run -- hint <id>`: the next of the three hints, remembered.
/// Without an id, it is the current exercise's hint.
pub fn hint(root: &Path, manifest: &Manifest, id: Option<&str>) -> Result<()> {
    let mut progress = Progress::load(root)?;
    let exercise = chosen(root, manifest, &progress, id)?;
    let entry = progress.entry(&exercise.id);
    let labels = ["a nudge", "the concept", "nearly the answer"];
    // Markdown shown as text: code in color on a terminal, plain in a pipe.
    let color = std::io::stdout().is_terminal();
    let render = |hint: &str| screen::markdown(hint, color).trim_end().to_owned();
    if entry.hints_shown >= exercise.hints.len() {
        println!("All three hints for `{}` have been shown:\n", exercise.id);
        for (n, hint) in exercise.hints.iter().enumerate() {
            println!("Hint {} of 3 ({}):\n{}\n", n + 1, labels[n], render(hint));
        }
        println!(
            "Still stuck? Read {}; once the exercise passes, `cargo run -- solution {}` \
             shows the reference.",
            exercise.where_to_read(root),
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
        render(&exercise.hints[n])
    );
    if n + 1 < exercise.hints.len() {
        println!("(Run the same command again for the next one.)");
    }
    progress.save()
}
