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
//! learner's own files are never touched.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail, ensure};

use crate::manifest::Manifest;
use crate::suite::{self, Against, Status};
use crate::verify::indent;

/// A mistake must fail its suite within this time, never hang it.
pub const HANG_LIMIT: Duration = Duration::from_secs(10);

/// What a variant's suite run must show.
#[derive(Debug, PartialEq)]
enum Expect {
    /// Every test passes.
    Pass,
    /// This test fails, and its output contains this text (any case).
    Fail { test: String, says: Option<String> },
}

fn parse_expectations(source: &str) -> Result<Vec<Expect>> {
    let mut expectations = Vec::new();
    for line in source.lines() {
        let Some(rest) = line.trim().strip_prefix("//! expect:") else {
            continue;
        };
        let rest = rest.trim();
        if rest == "pass" {
            expectations.push(Expect::Pass);
        } else if let Some(rest) = rest.strip_prefix("fail ") {
            let (test, says) = match rest.split_once(' ') {
                None => (rest, None),
                Some((test, says)) => {
                    let says = says.trim();
                    let says = says
                        .strip_prefix('"')
                        .and_then(|s| s.strip_suffix('"'))
                        .with_context(|| format!("quote the expected text: `{line}`"))?;
                    (test, Some(says.to_owned()))
                }
            };
            expectations.push(Expect::Fail {
                test: test.to_owned(),
                says,
            });
        } else {
            bail!(
                "cannot read `{line}`: expected `expect: pass` or `expect: fail <test> \"<text>\"`"
            );
        }
    }
    ensure!(!expectations.is_empty(), "no `//! expect:` line");
    ensure!(
        !(expectations.contains(&Expect::Pass) && expectations.len() > 1),
        "`expect: pass` cannot be combined with `expect: fail`"
    );
    Ok(expectations)
}

/// Checks every variant. `tests` holds each suite's test names.
pub fn check(
    root: &Path,
    manifest: &Manifest,
    tests: &BTreeMap<String, BTreeSet<String>>,
) -> Result<String> {
    ensure!(!tests.is_empty(), "skipped: the solutions did not pass");
    let variants = files(root, manifest);
    if let Ok(entries) = fs::read_dir(root.join("variants")) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            ensure!(
                manifest.get(&name).is_some(),
                "variants/{name} is not named after an exercise in the manifest"
            );
        }
    }

    let workspace = copy_workspace(root)?;
    let mut problems = Vec::new();
    for (id, file) in &variants {
        let shown = file
            .strip_prefix(root)
            .unwrap_or(file)
            .display()
            .to_string();
        match check_one(&workspace, id, file, &tests[id]) {
            Ok(took) => eprintln!("  ok {shown} (suite ran in {:.1} s)", took.as_secs_f64()),
            Err(error) => problems.push(format!("{shown}: {error:#}")),
        }
    }
    // Leave the copy's stubs as they were, in case someone looks inside.
    for exercise in &manifest.exercises {
        fs::copy(root.join(exercise.stub()), workspace.join(exercise.stub()))?;
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
        let mut files: Vec<PathBuf> = fs::read_dir(root.join("variants").join(&exercise.id))
            .into_iter()
            .flatten()
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
            .collect();
        files.sort();
        variants.extend(files.into_iter().map(|file| (exercise.id.clone(), file)));
    }
    variants
}

/// Checks one variant; returns how long its suite ran.
fn check_one(
    workspace: &Path,
    id: &str,
    file: &Path,
    tests: &BTreeSet<String>,
) -> Result<Duration> {
    let source = fs::read_to_string(file)?;
    let expectations = parse_expectations(&source)?;
    for expect in &expectations {
        if let Expect::Fail { test, .. } = expect {
            ensure!(
                tests.contains(test),
                "names `{test}`, which is not a test in tests/{id}.rs"
            );
        }
    }
    fs::write(
        workspace.join("exercises/src").join(format!("{id}.rs")),
        &source,
    )?;
    let binaries = suite::build(workspace, Against::Exercises, &[id])?;
    let binary = binaries.get(id).context("no test binary was built")?;
    let run = suite::run(binary, workspace, HANG_LIMIT)?;
    ensure!(
        !run.timed_out,
        "the suite was still running after {HANG_LIMIT:?}: a test hangs on this code \
         instead of failing (run it under `support::watchdog`)"
    );
    let mut problems = Vec::new();
    for expect in &expectations {
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
                    _ => {
                        problems.push(format!("`{test}` should fail on this code, but it did not"))
                    }
                }
            }
        }
    }
    if !problems.is_empty() {
        bail!(problems.join("\n"));
    }
    Ok(run.elapsed)
}

/// Copies what the suites need into `target/variants/workspace` and returns it.
/// The copy builds into its own `target/variants/target`: cargo names a path
/// crate's build after its place in its workspace, so the copy's `exercises`
/// would otherwise overwrite the real one's in `target/` and leave the learner's
/// next build stale.
fn copy_workspace(root: &Path) -> Result<PathBuf> {
    let workspace = root.join("target/variants/workspace");
    if workspace.exists() {
        fs::remove_dir_all(&workspace)?;
    }
    // The learner's workspace, whole: it holds nothing else (the runner and
    // the benchmarks are a workspace of their own).
    for dir in ["exercises", "solutions", "tests", "src"] {
        copy_dir(&root.join(dir), &workspace.join(dir))?;
    }
    for file in ["Cargo.toml", "Cargo.lock"] {
        fs::copy(root.join(file), workspace.join(file))?;
    }
    fs::create_dir_all(workspace.join(".cargo"))?;
    fs::write(
        workspace.join(".cargo/config.toml"),
        format!(
            "[build]\ntarget-dir = {:?}\n",
            root.join("target/variants/target")
        ),
    )?;
    Ok(workspace)
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()))?;
        } else {
            fs::copy(&path, to.join(entry.file_name()))?;
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
