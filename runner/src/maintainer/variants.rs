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
//! //! expect: pass wakes_the_waker_of_the_latest_poll
//! //! expect: pass
//! ```
//!
//! (`fail <test> "<words>"` and `pass <test>` for a mistake, `pass` alone for
//! a right answer; `named with <variant>` and `like the stub` are a mistake's
//! declared exceptions to "the report names it, alone, in its own run": see
//! `mistakes.rs`.)
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

use crate::maintainer::verify::{SUITE_LIMIT, indent};
use crate::manifest::Manifest;
use crate::mistakes::{self, Expect, Mistake, parse_expectations};
use crate::suite::{self, Against, Run, Status};

/// A mistake must fail its suite within this time, never hang it.
pub const HANG_LIMIT: Duration = Duration::from_secs(10);

/// Checks every variant. `tests` holds each suite's test names.
pub fn check(
    root: &Path,
    manifest: &Manifest,
    tests: &BTreeMap<String, BTreeSet<String>>,
) -> Result<String> {
    check_some(root, manifest, tests, None)
}

/// [`check`], for the variants of the exercises in `tests` alone when
/// `only` is set (`cargo run -- variants <id>…`).
fn check_some(
    root: &Path,
    manifest: &Manifest,
    tests: &BTreeMap<String, BTreeSet<String>>,
    only: Option<&[String]>,
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
        if only.is_some_and(|ids| !ids.contains(&id)) {
            continue;
        }
        match Variant::read(root, id, file, tests) {
            Ok(variant) => variants.push(variant),
            Err(error) => problems.push(error.to_string()),
        }
    }
    ensure!(problems.is_empty(), problems.join("\n"));

    let workspace = prepare_workspace(root, &variants, only.is_none())?;
    let targets: Vec<&str> = match only {
        Some(_) => variants.iter().map(|v| v.target.as_str()).collect(),
        None => Vec::new(),
    };
    let binaries = build(&workspace, &targets)?;
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
            Ok((took, named)) => eprintln!(
                "  ok {} (suite ran in {:.1} s): {named}",
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

/// `cargo run -- variants [<id>…]`: verify's check of the variants, alone,
/// for some exercises (default: every exercise with variants), and what the
/// report names in a run of each one's solution and untouched stub: nothing.
pub fn check_alone(root: &Path, manifest: &Manifest, ids: &[String]) -> Result<()> {
    let ids: Vec<String> = if ids.is_empty() {
        manifest
            .exercises
            .iter()
            .filter(|e| !mistakes::variant_files(root, &e.id).is_empty())
            .map(|e| e.id.clone())
            .collect()
    } else {
        for id in ids {
            ensure!(
                manifest.get(id).is_some(),
                "no exercise `{id}` in the manifest"
            );
        }
        ids.to_vec()
    };
    let targets: Vec<&str> = ids.iter().map(String::as_str).collect();
    let mut problems = Vec::new();
    let mut tests = BTreeMap::new();
    let solutions = suite::build(root, Against::Solutions, &targets)?;
    for id in &ids {
        let binary = solutions
            .get(id)
            .with_context(|| format!("no test binary was built for tests/{id}.rs"))?;
        let run = suite::run(binary, root, SUITE_LIMIT)?;
        for failed in run.with_status(Status::Failed) {
            problems.push(format!(
                "{id}: `{}` fails against the solution",
                failed.name
            ));
        }
        let named = named_in_words(root, id, &run);
        eprintln!("  {id}, the solution: {named}");
        if !named.starts_with("no mistake") {
            problems.push(format!("{id}: the solution is taken for {named}"));
        }
        let names = run.outcomes.iter().map(|o| o.name.clone()).collect();
        tests.insert(id.clone(), names);
    }
    let stubs: Vec<&str> = targets
        .iter()
        .copied()
        .filter(|id| {
            manifest
                .get(id)
                .is_some_and(|e| e.stub_compile_error.is_none())
        })
        .collect();
    let built = suite::build(root, Against::Exercises, &stubs)?;
    for id in stubs {
        let binary = built
            .get(id)
            .with_context(|| format!("no test binary was built for tests/{id}.rs"))?;
        let run = suite::run(binary, root, SUITE_LIMIT)?;
        let named = named_in_words(root, id, &run);
        eprintln!("  {id}, the untouched stub: {named}");
        if !named.starts_with("no mistake") {
            problems.push(format!("{id}: the untouched stub is taken for {named}"));
        }
    }
    match check_some(root, manifest, &tests, Some(&ids)) {
        Ok(summary) => eprintln!("{summary}"),
        Err(error) => problems.push(format!("{error:#}")),
    }
    ensure!(problems.is_empty(), problems.join("\n"));
    Ok(())
}

/// The classic mistakes the report names in `run`, a run of exercise
/// `id`'s suite: their variants' files.
pub fn named_in(root: &Path, id: &str, run: &Run) -> Vec<String> {
    let known = mistakes::known(root, id);
    mistakes::recognise(&known, run)
        .into_iter()
        .map(|mistake| mistake.file.clone())
        .collect()
}

/// [`named_in`], in words: "no mistake named", "named variants/…".
fn named_in_words(root: &Path, id: &str, run: &Run) -> String {
    match named_in(root, id, run).as_slice() {
        [] => "no mistake named".to_owned(),
        files => format!("named {}", files.join(", ")),
    }
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
            if let Expect::Fail { test, .. } | Expect::Passes { test } = expect {
                ensure!(
                    tests[&id].contains(test),
                    "{shown}: names `{test}`, which is not a test in tests/{id}.rs"
                );
            }
            if let Expect::NamedWith { name } = expect {
                let twin = root.join("variants").join(&id).join(format!("{name}.rs"));
                let says = fs::read_to_string(&twin)
                    .ok()
                    .and_then(|source| parse_expectations(&source).ok())
                    .is_some_and(|twins| twins.iter().any(|e| matches!(e, Expect::NamedWith { name } if Some(name.as_str()) == file.file_stem().and_then(|s| s.to_str()))));
                ensure!(
                    says,
                    "{shown}: `named with {name}` needs variants/{id}/{name}.rs, which must say \
                     `named with` this one too"
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
    /// mistakes; returns how long the suite ran, and what was named.
    fn judge(&self, run: &Run, known: &[Mistake]) -> Result<(Duration, String)> {
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
                Expect::NamedWith { .. } | Expect::LikeTheStub => {}
                Expect::Passes { test } => {
                    let outcome = run.outcomes.iter().find(|o| &o.name == test);
                    match outcome {
                        Some(o) if o.status == Status::Passed => {}
                        Some(o) => problems.push(format!(
                            "`{test}` should pass on this code, but it fails:\n{}",
                            indent(&o.output)
                        )),
                        None => problems.push(format!("`{test}` did not run")),
                    }
                }
            }
        }
        // The report names a classic mistake when a learner's run looks like
        // one (`mistakes.rs`). In a mistake's own run it names that mistake
        // and no other; in a right answer's run, none.
        let seen = mistakes::recognise(known, run);
        let files: Vec<&str> = seen.iter().map(|m| m.file.as_str()).collect();
        // Itself, and the twins it declares (`expect: named with`).
        let mut wanted: Vec<String> = self
            .expectations
            .iter()
            .filter_map(|e| match e {
                Expect::NamedWith { name } => Some(format!("variants/{}/{name}.rs", self.id)),
                _ => None,
            })
            .collect();
        if let Some(mistake) = &self.mistake {
            wanted.push(mistake.file.clone());
        }
        wanted.sort();
        let mut named: Vec<&str> = files.clone();
        named.sort();
        match &self.mistake {
            Some(mistake) if !mistake.recognisable() => problems.push(format!(
                "a mistake must name the words each of its tests says (`//! expect: fail \
                 <test> \"<words>\"`), or the report cannot recognise it: {}",
                self.shown
            )),
            Some(_) if named != wanted => problems.push(format!(
                "the report must name this mistake, and it alone (or with the twins it \
                 declares: `expect: named with`), in its own run; it names {}. Tell it apart \
                 with words that only its messages say, or with `//! expect: pass <test>` for \
                 a test it passes and the others fail",
                if files.is_empty() {
                    "none".to_owned()
                } else {
                    files.join(", ")
                }
            )),
            None if !seen.is_empty() && self.expectations.contains(&Expect::LikeTheStub) => {
                problems.push(format!(
                    "behaves as the untouched stub does (`expect: like the stub`), so the \
                     report must name nothing in its run, as in the stub's; it names {}",
                    files.join(", ")
                ))
            }
            None if !seen.is_empty() => problems.push(format!(
                "a right answer, taken for a classic mistake: {}",
                files.join(", ")
            )),
            _ => {}
        }
        ensure!(problems.is_empty(), problems.join("\n"));
        let named = match self.mistake {
            Some(_) if named.len() > 1 => format!(
                "named as itself, with {}",
                named
                    .iter()
                    .filter(|&&file| Some(file) != self.mistake.as_ref().map(|m| m.file.as_str()))
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Some(_) => "named as itself".to_owned(),
            None if self.expectations.contains(&Expect::LikeTheStub) => {
                "like the stub: no mistake named".to_owned()
            }
            None => "no mistake named".to_owned(),
        };
        Ok((run.elapsed, named))
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
fn prepare_workspace(root: &Path, variants: &[Variant], prune: bool) -> Result<PathBuf> {
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
    // A run for some exercises leaves the other variants' targets alone
    // (written again later, they would be built again).
    if prune {
        remove_unwanted(&workspace, &wanted)?;
    }
    Ok(workspace)
}

/// Builds every test target of the copy; returns each one's executable. A
/// variant that does not compile has none (the compiler's messages are on
/// the terminal).
fn build(workspace: &Path, targets: &[&str]) -> Result<BTreeMap<String, PathBuf>> {
    let mut cargo = std::process::Command::new(suite::env_cargo());
    cargo.current_dir(workspace).args([
        "test",
        "--no-run",
        // With --no-run: build every target it can, past one that fails.
        "--no-fail-fast",
        "--message-format=json-render-diagnostics",
    ]);
    if targets.is_empty() {
        cargo.arg("--tests");
    }
    for target in targets {
        cargo.args(["--test", target]);
    }
    let output = cargo
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

    /// The variant `variants/x/<name>.rs` with this header.
    fn variant(name: &str, header: &str) -> Variant {
        let file = format!("variants/x/{name}.rs");
        Variant {
            id: "x".into(),
            shown: file.clone(),
            target: format!("x__{name}"),
            expectations: parse_expectations(header).unwrap(),
            mistake: Mistake::from_source(&file, header).unwrap(),
        }
    }

    /// A run in which test `a` fails saying "lost" and test `b` passes.
    fn a_fails() -> Run {
        Run::of(&[
            ("a", Status::Failed, "an item was lost"),
            ("b", Status::Passed, ""),
        ])
    }

    #[test]
    fn a_mistake_must_be_named_alone_in_its_own_run() {
        let one = variant("one", "//! Mistake: one.\n//! expect: fail a \"lost\"\n");
        let other = variant(
            "other",
            "//! Mistake: other.\n//! expect: fail a \"item\"\n",
        );
        let known: Vec<Mistake> = [&one, &other]
            .iter()
            .filter_map(|v| v.mistake.clone())
            .collect();
        let error = one.judge(&a_fails(), &known).unwrap_err().to_string();
        assert!(error.contains("and it alone"), "{error}");
        // Told apart: `other` passes `a`.
        let other = variant(
            "other",
            "//! Mistake: other.\n//! expect: fail b \"item\"\n//! expect: pass a\n",
        );
        let known: Vec<Mistake> = [&one, &other]
            .iter()
            .filter_map(|v| v.mistake.clone())
            .collect();
        let (_, named) = one.judge(&a_fails(), &known).unwrap();
        assert_eq!(named, "named as itself");
    }

    #[test]
    fn declared_twins_may_be_named_together() {
        let one = variant(
            "one",
            "//! Mistake: one.\n//! expect: fail a \"lost\"\n//! expect: named with other\n",
        );
        let other = variant(
            "other",
            "//! Mistake: other.\n//! expect: fail a \"item\"\n//! expect: named with one\n",
        );
        let known: Vec<Mistake> = [&one, &other]
            .iter()
            .filter_map(|v| v.mistake.clone())
            .collect();
        let (_, named) = one.judge(&a_fails(), &known).unwrap();
        assert_eq!(named, "named as itself, with variants/x/other.rs");
    }

    #[test]
    fn neither_a_right_answer_nor_a_mistake_like_the_stub_may_be_taken_for_a_mistake() {
        let mistake =
            Mistake::from_source("variants/x/m.rs", "//! M.\n//! expect: fail a \"lost\"\n")
                .unwrap()
                .unwrap();
        let like = variant(
            "like",
            "//! Mistake: as shipped.\n//! expect: like the stub\n//! expect: fail a \"lost\"\n",
        );
        assert!(like.mistake.is_none());
        let error = like
            .judge(&a_fails(), std::slice::from_ref(&mistake))
            .unwrap_err()
            .to_string();
        assert!(error.contains("like the stub"), "{error}");
        let (_, named) = like.judge(&a_fails(), &[]).unwrap();
        assert_eq!(named, "like the stub: no mistake named");
        // A right answer in whose run a mistake is named (the run fails a
        // test too, which is a second problem verify reports).
        let right = variant("ok_right", "//! Right.\n//! expect: pass\n");
        let mut run = a_fails();
        run.outcomes.truncate(1);
        let error = right
            .judge(&run, std::slice::from_ref(&mistake))
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("a right answer, taken for a classic mistake"),
            "{error}"
        );
    }

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
        assert_eq!(
            parse_expectations("//! expect: fail a \"lost\"\n//! expect: pass b").unwrap(),
            [
                Expect::Fail {
                    test: "a".into(),
                    says: Some("lost".into())
                },
                Expect::Passes { test: "b".into() },
            ]
        );
        assert_eq!(
            parse_expectations(
                "//! expect: fail a \"lost\"\n//! expect: named with other\n\
                 //! expect: like the stub"
            )
            .unwrap()[1..],
            [
                Expect::NamedWith {
                    name: "other".into()
                },
                Expect::LikeTheStub
            ]
        );
        assert!(parse_expectations("//! expect: like the stub").is_err());
        assert!(parse_expectations("//! expect: named with a b").is_err());
        // A test that passes is a mistake's line, never a whole variant's.
        assert!(parse_expectations("//! expect: pass b").is_err());
        assert!(parse_expectations("//! expect: pass\n//! expect: pass b").is_err());
        assert!(parse_expectations("//! expect: pass b c").is_err());
        assert!(parse_expectations("fn main() {}").is_err());
        assert!(parse_expectations("//! expect: fail x lost").is_err());
    }
}
