//! `variants/<id>/<name>.rs`: other versions of an exercise, each with what its
//! suite must say about it.
//!
//! A variant is a whole replacement for `exercises/src/<id>.rs`: either a
//! classic mistake, which must fail the tests it names with a message that
//! names the mistake, or a correct solution written differently from ours,
//! which must pass (so the suite is not tuned to one implementation). Its
//! expectations are `//! expect:` lines at the top of the file:
//!
//! ```text
//! //! expect: fail wakes_its_task_every_time_it_returns_pending "lost wake-up"
//! //! expect: pass
//! ```
//!
//! They are checked in a copy of the workspace under `target/`, so the
//! learner's own files are never touched: there each variant is a test target
//! of its own, the suite compiled with the variant in place of the stub.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result, bail, ensure};

use crate::maintainer::verify::indent;
use crate::manifest::Manifest;
use crate::mistakes::{self, Expect, Mistake, parse_expectations};
use crate::suite::{self, Run, Status};

/// A mistake must fail its suite within this time, never hang it.
pub const HANG_LIMIT: Duration = Duration::from_secs(10);

/// Checks every variant. `tests` holds each suite's test names.
pub fn check(
    root: &Path,
    manifest: &Manifest,
    tests: &BTreeMap<String, BTreeSet<String>>,
) -> Result<String> {
    ensure!(!tests.is_empty(), "skipped: the solutions did not pass");
    if let Ok(entries) = fs::read_dir(root.join("variants")) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            ensure!(
                manifest.get(&name).is_some(),
                "variants/{name} is not named after an exercise in the manifest"
            );
        }
    }
    let mut problems = Vec::new();
    let mut variants = Vec::new();
    for (id, file) in files(root, manifest) {
        match Variant::read(root, id, file, tests) {
            Ok(variant) => variants.push(variant),
            Err(error) => problems.push(error.to_string()),
        }
    }
    ensure!(problems.is_empty(), problems.join("\n"));

    let workspace = prepare_workspace(root, &variants)?;
    let binaries = build(&workspace)?;
    let runs = run_all(&workspace, &variants, &binaries);
    // Each exercise's mistakes, from the variants just read: what the report
    // would recognise in a learner's run.
    let mut known: BTreeMap<&str, Vec<Mistake>> = BTreeMap::new();
    for variant in &variants {
        let mistakes = known.entry(&variant.id).or_default();
        mistakes.extend(variant.mistake.clone());
    }
    for (variant, run) in variants.iter().zip(runs) {
        match run.and_then(|run| variant.judge(&run, &known[variant.id.as_str()])) {
            Ok(took) => eprintln!(
                "  ok {} (suite ran in {:.1} s)",
                variant.shown,
                took.as_secs_f64()
            ),
            Err(error) => problems.push(format!("{}: {error:#}", variant.shown)),
        }
    }
    if !problems.is_empty() {
        bail!(problems.join("\n"));
    }
    Ok(format!("{} variants behave as they say", variants.len()))
}

/// Every variant: the exercise id and the file, in manifest order.
pub fn files(root: &Path, manifest: &Manifest) -> Vec<(String, PathBuf)> {
    let mut variants = Vec::new();
    for exercise in &manifest.exercises {
        let files = mistakes::variant_files(root, &exercise.id);
        variants.extend(files.into_iter().map(|file| (exercise.id.clone(), file)));
    }
    variants
}

/// One variant, read and ready to check.
struct Variant {
    id: String,
    /// `variants/<id>/<name>.rs`, as the messages show it.
    shown: String,
    /// Its own test target in the copy: the suite, compiled with this file
    /// in place of the stub.
    target: String,
    expectations: Vec<Expect>,
    /// What it is as a mistake (`None` for a right answer).
    mistake: Option<Mistake>,
}

impl Variant {
    fn read(
        root: &Path,
        id: String,
        file: PathBuf,
        tests: &BTreeMap<String, BTreeSet<String>>,
    ) -> Result<Self> {
        let shown = file
            .strip_prefix(root)
            .unwrap_or(&file)
            .display()
            .to_string();
        let source = fs::read_to_string(&file).with_context(|| shown.clone())?;
        let expectations = parse_expectations(&source).with_context(|| shown.clone())?;
        for expect in &expectations {
            if let Expect::Fail { test, .. } = expect {
                ensure!(
                    tests[&id].contains(test),
                    "{shown}: names `{test}`, which is not a test in tests/{id}.rs"
                );
            }
        }
        let name = file
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let target = format!("{id}__{name}");
        let mistake = Mistake::from_source(&format!("variants/{id}/{name}.rs"), &source)?;
        Ok(Self {
            id,
            shown,
            target,
            expectations,
            mistake,
        })
    }

    /// Checks one run of the variant's suite against its expectations, and
    /// what the report would name in it among `known`, its exercise's
    /// mistakes; returns how long the suite ran.
    fn judge(&self, run: &Run, known: &[Mistake]) -> Result<Duration> {
        ensure!(
            !run.timed_out,
            "the suite was still running after {HANG_LIMIT:?}: a test hangs on this code \
             instead of failing (run it under `support::watchdog`)"
        );
        let mut problems = Vec::new();
        for expect in &self.expectations {
            match expect {
                Expect::Pass => {
                    for failed in run.with_status(Status::Failed) {
                        problems.push(format!(
                            "should pass, but `{}` fails:\n{}",
                            failed.name,
                            indent(&failed.output)
                        ));
                    }
                    if run.outcomes.is_empty() || !run.success {
                        problems.push(format!(
                            "should pass, but the run failed:\n{}",
                            indent(&run.stdout)
                        ));
                    }
                }
                Expect::Fail { test, says } => {
                    let outcome = run.outcomes.iter().find(|o| &o.name == test);
                    match outcome {
                        Some(o) if o.status == Status::Failed => {
                            if let Some(says) = says
                                && !o.output.to_lowercase().contains(&says.to_lowercase())
                            {
                                problems.push(format!(
                                    "`{test}` fails, but its message does not say \"{says}\":\n{}",
                                    indent(&o.output)
                                ));
                            }
                        }
                        _ => problems
                            .push(format!("`{test}` should fail on this code, but it did not")),
                    }
                }
            }
        }
        // The report names a classic mistake when a learner's run looks like
        // one (`mistakes.rs`). A mistake must be recognisable (words for each
        // of its tests); in its own run the report then names it, or a
        // mistake whose tests include all of its own (a fuller description
        // of the same symptoms), or nothing when every test fails. A right
        // answer is never taken for a mistake.
        let seen = mistakes::recognise(known, run);
        match &self.mistake {
            Some(mistake) if !mistake.recognisable() => problems.push(format!(
                "a mistake must name the words each of its tests says (`//! expect: fail \
                 <test> \"<words>\"`), or the report cannot recognise it: {}",
                self.shown
            )),
            None if !seen.is_empty() => problems.push(format!(
                "a right answer, taken for a classic mistake: {}",
                seen.iter()
                    .map(|m| m.file.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            _ => {}
        }
        ensure!(problems.is_empty(), problems.join("\n"));
        Ok(run.elapsed)
    }
}

/// Lays out `target/variants/workspace`: the learner's workspace, where each
/// variant is a test target of its own (`tests/<id>__<name>.rs`, the suite
/// with the variant's file in place of the stub). One cargo call then builds
/// them all, on every core, and a later verify rebuilds only what changed:
/// files whose contents are unchanged are not written again.
///
/// The copy builds into its own `target/variants/target`: cargo names a path
/// crate's build after its place in its workspace, so the copy's builds would
/// otherwise overwrite the real ones in `target/` (the launcher among them).
fn prepare_workspace(root: &Path, variants: &[Variant]) -> Result<PathBuf> {
    let workspace = root.join("target/variants/workspace");
    let mut wanted = BTreeSet::new();
    for dir in [
        "crates",
        "exercises",
        "solutions",
        "src",
        "subjects",
        "tests/support",
        "variants",
    ] {
        copy_dir(&root.join(dir), &workspace.join(dir), &mut wanted)?;
    }
    for file in ["Cargo.toml", "Cargo.lock"] {
        sync(
            &workspace.join(file),
            &fs::read(root.join(file))?,
            &mut wanted,
        )?;
    }
    let config = format!(
        "[build]\ntarget-dir = {:?}\n# One build of each variant's suite: nothing to gain from incremental state.\n\
         incremental = false\n",
        root.join("target/variants/target")
    );
    sync(
        &workspace.join(".cargo/config.toml"),
        config.as_bytes(),
        &mut wanted,
    )?;
    for variant in variants {
        let suite = fs::read_to_string(root.join("tests").join(format!("{}.rs", variant.id)))?;
        let stub = format!("path = \"../exercises/src/{}.rs\"", variant.id);
        ensure!(
            suite.matches(&stub).count() == 1,
            "tests/{}.rs should include its stub once, with `{stub}`",
            variant.id
        );
        let file = format!("path = \"../{}\"", variant.shown);
        let suite = suite.replace(&stub, &file);
        let path = workspace
            .join("tests")
            .join(format!("{}.rs", variant.target));
        sync(&path, suite.as_bytes(), &mut wanted)?;
    }
    remove_unwanted(&workspace, &wanted)?;
    Ok(workspace)
}

/// Builds every test target of the copy; returns each one's executable. A
/// variant that does not compile has none (the compiler's messages are on
/// the terminal).
fn build(workspace: &Path) -> Result<BTreeMap<String, PathBuf>> {
    let output = std::process::Command::new(suite::env_cargo())
        .current_dir(workspace)
        .args([
            "test",
            "--no-run",
            "--tests",
            // With --no-run: build every target it can, past one that fails.
            "--no-fail-fast",
            "--message-format=json-render-diagnostics",
        ])
        .stderr(std::process::Stdio::inherit())
        .output()
        .context("running cargo")?;
    let binaries = suite::test_executables(&String::from_utf8_lossy(&output.stdout));
    ensure!(
        output.status.success() || !binaries.is_empty(),
        "`cargo test --no-run` in {} built nothing",
        workspace.display()
    );
    Ok(binaries)
}

/// How many suites run at once. Most of a failing suite's time is spent
/// waiting for its watchdogs, so a few share two cores without slowing each
/// other much; each one's time is still held to [`HANG_LIMIT`].
const AT_ONCE: usize = 3;

/// Runs each variant's suite, [`AT_ONCE`] at a time; the results in order.
fn run_all(
    workspace: &Path,
    variants: &[Variant],
    binaries: &BTreeMap<String, PathBuf>,
) -> Vec<Result<Run>> {
    let next = AtomicUsize::new(0);
    let results: Vec<Mutex<Option<Result<Run>>>> =
        variants.iter().map(|_| Mutex::new(None)).collect();
    thread::scope(|scope| {
        for _ in 0..AT_ONCE {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(variant) = variants.get(index) else {
                        break;
                    };
                    let run = match binaries.get(&variant.target) {
                        Some(binary) => suite::run(binary, workspace, HANG_LIMIT),
                        None => Err(anyhow::anyhow!(
                            "does not compile (the compiler's messages are above, under \
                             test \"{}\")",
                            variant.target
                        )),
                    };
                    *results[index].lock().unwrap() = Some(run);
                }
            });
        }
    });
    results
        .into_iter()
        .map(|result| {
            result
                .into_inner()
                .unwrap()
                .unwrap_or_else(|| Err(anyhow::anyhow!("not run")))
        })
        .collect()
}

/// Copies the files of `from` into `to`, writing only what differs.
fn copy_dir(from: &Path, to: &Path, wanted: &mut BTreeSet<PathBuf>) -> Result<()> {
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()), wanted)?;
        } else {
            sync(&to.join(entry.file_name()), &fs::read(&path)?, wanted)?;
        }
    }
    Ok(())
}

/// Writes `contents` to `path` unless it already holds them, so that an
/// unchanged file keeps its time and cargo does not rebuild what uses it.
fn sync(path: &Path, contents: &[u8], wanted: &mut BTreeSet<PathBuf>) -> Result<()> {
    wanted.insert(path.to_owned());
    if fs::read(path).is_ok_and(|old| old == contents) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write(path, contents).with_context(|| format!("writing {}", path.display()))
}

/// Removes the files under `dir` that the copy no longer has (a variant that
/// was deleted or renamed).
fn remove_unwanted(dir: &Path, wanted: &BTreeSet<PathBuf>) -> Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            remove_unwanted(&path, wanted)?;
        } else if !wanted.contains(&path) {
            fs::remove_file(&path)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_expectations() {
        let source = "//! A mistake.\n//! expect: fail some_test \"lost wake-up\"\n\
                      //! expect: fail other_test\nfn main() {}\n";
        assert_eq!(
            parse_expectations(source).unwrap(),
            [
                Expect::Fail {
                    test: "some_test".into(),
                    says: Some("lost wake-up".into())
                },
                Expect::Fail {
                    test: "other_test".into(),
                    says: None
                },
            ]
        );
        assert_eq!(
            parse_expectations("//! expect: pass").unwrap(),
            [Expect::Pass]
        );
        assert!(parse_expectations("fn main() {}").is_err());
        assert!(parse_expectations("//! expect: fail x lost").is_err());
    }
}
