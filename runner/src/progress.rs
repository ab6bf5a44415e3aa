//! The learner's progress: one small plain-text (TOML) file at the root of the
//! checkout, `.asynclings-progress`, which git ignores.
//!
//! For each exercise it remembers how many hints were shown, and the last
//! result of its suite together with the fingerprint of the files it was run
//! on. A result whose fingerprint no longer matches is stale and is simply
//! run again, so the status shown is fast and never out of date. Deleting the
//! file loses nothing that cannot be recomputed, except the hint count.

use std::collections::BTreeMap;
use std::fs;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::manifest::{Exercise, Manifest};

/// The progress file's name, at the root of the checkout.
pub const PROGRESS_FILE: &str = ".asynclings-progress";

const HEADER: &str = "# asynclings: your progress, written by `cargo run`. Plain TOML, ignored by git.\n\
                      # Delete this file to start over (the hints shown will be forgotten).\n\n";

/// What the last run of an exercise's suite said.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Every test passed.
    Passed,
    /// Some test failed.
    Failed,
    /// The suite did not finish within its time limit and was stopped.
    Hung,
}

/// What is remembered about one exercise.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// How many of the three hints have been shown.
    #[serde(default)]
    pub hints_shown: usize,
    /// The last result, if the suite has run on the current files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
    /// The fingerprint of the files `outcome` was measured on.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub fingerprint: String,
}

/// The whole file.
#[derive(Debug, Default)]
pub struct Progress {
    path: PathBuf,
    pub entries: BTreeMap<String, Entry>,
}

impl Progress {
    /// Reads the progress file of the checkout at `root`; a missing file is an
    /// empty progress. A file that cannot be read as TOML is set aside (and
    /// said so), never a reason to stop.
    pub fn load(root: &Path) -> Result<Self> {
        let path = root.join(PROGRESS_FILE);
        let entries = match fs::read_to_string(&path) {
            Ok(text) => match toml::from_str(&text) {
                Ok(entries) => entries,
                Err(error) => {
                    let aside = path.with_extension("unreadable");
                    fs::rename(&path, &aside).ok();
                    eprintln!(
                        "note: {PROGRESS_FILE} could not be read ({}); it was moved to {} and \
                         progress starts afresh",
                        error.message(),
                        aside.display()
                    );
                    BTreeMap::new()
                }
            },
            Err(_) => BTreeMap::new(),
        };
        Ok(Self { path, entries })
    }

    /// Writes the file back.
    pub fn save(&self) -> Result<()> {
        let body = toml::to_string(&self.entries)?;
        fs::write(&self.path, format!("{HEADER}{body}"))
            .with_context(|| format!("writing {}", self.path.display()))
    }

    pub fn entry(&mut self, id: &str) -> &mut Entry {
        self.entries.entry(id.to_owned()).or_default()
    }

    /// The remembered outcome of `exercise`, if it was measured on the files
    /// as they are now.
    pub fn fresh_outcome(&self, root: &Path, exercise: &Exercise) -> Option<Outcome> {
        let entry = self.entries.get(&exercise.id)?;
        (entry.fingerprint == fingerprint(root, exercise)).then_some(entry.outcome?)
    }

    /// Remembers `outcome` for the files of `exercise` as they are now.
    pub fn record(&mut self, root: &Path, exercise: &Exercise, outcome: Outcome) {
        let fingerprint = fingerprint(root, exercise);
        let entry = self.entry(&exercise.id);
        entry.outcome = Some(outcome);
        entry.fingerprint = fingerprint;
    }

    /// Ids in the file that the manifest no longer lists (an exercise renamed
    /// or removed by an update). They are kept in the file and skipped.
    pub fn unknown_ids<'a>(&'a self, manifest: &Manifest) -> Vec<&'a str> {
        self.entries
            .keys()
            .filter(|id| manifest.get(id).is_none())
            .map(String::as_str)
            .collect()
    }
}

/// A fingerprint of what decides an exercise's result: the learner's file
/// and its suite. (Rust's `DefaultHasher` may change between toolchains; that
/// only makes a result stale, and it is run again.)
pub fn fingerprint(root: &Path, exercise: &Exercise) -> String {
    let mut hasher = DefaultHasher::new();
    for path in [exercise.stub(), exercise.suite()] {
        path.hash(&mut hasher);
        fs::read(root.join(&path))
            .unwrap_or_default()
            .hash(&mut hasher);
    }
    format!("{:016x}", hasher.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_hints_and_results_and_skips_unknown_exercises() {
        let root = std::env::temp_dir().join(format!("asynclings-progress-{}", std::process::id()));
        fs::create_dir_all(root.join("exercises/src")).unwrap();
        fs::create_dir_all(root.join("tests")).unwrap();
        fs::write(root.join("exercises/src/first.rs"), "todo!()").unwrap();
        fs::write(root.join("tests/first.rs"), "#[test] fn t() {}").unwrap();
        let manifest = Manifest::from_toml(
            "[[exercise]]\nid = \"first\"\nchapter = \"c\"\ntitle = \"T\"\npage = \"p.md\"\n\
             hints = [\"a\", \"b\", \"c\"]\n",
        )
        .unwrap();
        let first = manifest.get("first").unwrap();

        let mut progress = Progress::load(&root).unwrap();
        progress.entry("first").hints_shown = 2;
        progress.entry("renamed_long_ago").hints_shown = 1;
        progress.record(&root, first, Outcome::Failed);
        progress.save().unwrap();

        let progress = Progress::load(&root).unwrap();
        assert_eq!(progress.entries["first"].hints_shown, 2);
        assert_eq!(progress.fresh_outcome(&root, first), Some(Outcome::Failed));
        assert_eq!(progress.unknown_ids(&manifest), ["renamed_long_ago"]);

        // An edit makes the remembered result stale.
        fs::write(root.join("exercises/src/first.rs"), "// done").unwrap();
        assert_eq!(progress.fresh_outcome(&root, first), None);
        fs::remove_dir_all(&root).unwrap();
    }
}
