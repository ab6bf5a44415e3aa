//! `cargo run -- reset <id>` and `reset --all`.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail};

use crate::manifest::{Exercise, Manifest};
use crate::progress::Progress;
use crate::state::resolve;

/// Where `reset` keeps the learner's work before it restores a stub.
pub const BACKUP_DIR: &str = ".asynclings-backups";

/// The stub as it was shipped: the version in git's `HEAD`.
fn pristine(root: &Path, exercise: &Exercise) -> Result<String> {
    let spec = format!("HEAD:{}", exercise.stub().display());
    let output = Command::new("git")
        .current_dir(root)
        .args(["show", &spec])
        .output()
        .context("running git (reset needs a git checkout of asynclings)")?;
    if !output.status.success() {
        bail!(
            "git has no {} in HEAD: {}",
            exercise.stub().display(),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(String::from_utf8(output.stdout)?)
}

/// `cargo run -- reset <id>` / `--all`: restores stubs, keeping a backup of
/// whatever is replaced, and forgets what the progress record says about
/// them (hints shown, last result): the exercise starts afresh.
pub fn reset(root: &Path, manifest: &Manifest, id: Option<&str>) -> Result<()> {
    let exercises: Vec<&Exercise> = match id {
        Some(id) => vec![resolve(manifest, id)?],
        None => manifest.exercises.iter().collect(),
    };
    let stamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut restored = 0;
    let mut progress = Progress::load(root)?;
    let mut forgotten = 0;
    for exercise in exercises {
        if progress.entries.remove(&exercise.id).is_some() {
            forgotten += 1;
        }
        let original = pristine(root, exercise)?;
        let path = root.join(exercise.stub());
        let current = fs::read_to_string(&path).ok();
        if current.as_deref() == Some(original.as_str()) {
            continue;
        }
        if let Some(current) = current {
            // Never overwrite an earlier backup, even one from this second.
            let backup = (0..)
                .map(|n| match n {
                    0 => format!("{}.{stamp}.rs", exercise.id),
                    n => format!("{}.{stamp}-{n}.rs", exercise.id),
                })
                .map(|name| Path::new(BACKUP_DIR).join(name))
                .find(|backup| !root.join(backup).exists())
                .expect("some name is free");
            fs::create_dir_all(root.join(BACKUP_DIR))?;
            fs::write(root.join(&backup), current)?;
            println!(
                "{}: your version is saved in {}",
                exercise.id,
                backup.display()
            );
        }
        fs::write(&path, original)?;
        println!("{}: restored {}", exercise.id, exercise.stub().display());
        restored += 1;
    }
    if restored == 0 {
        println!("The stub(s) are as shipped: no file to restore.");
    }
    if forgotten > 0 {
        progress.save()?;
        println!("Progress forgotten for {forgotten} exercise(s): hints start again at the first.");
    }
    Ok(())
}
