//! `cargo verify`: the maintainer's one command. Everything CI checks.
//!
//! 1. the manifest and the files agree
//! 2. `cargo fmt --check` and `cargo clippy -D warnings` are clean
//! 3. the runner's own tests pass
//! 4. every suite passes against the solutions
//! 5. every test fails against the untouched stubs
//! 6. every known mistake in `variants/` fails the tests it names (and passes
//!    those it says it passes), and the report names it, alone, in its run;
//!    every alternative correct solution there passes, and no mistake is
//!    named in its run, nor in the solutions' and the untouched stubs' runs
//!    (`cargo run -- variants [<id>…]` runs this step alone)
//! 7. the book's examples run, and the book builds

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};

use crate::maintainer::variants;
use crate::manifest::Manifest;
use crate::suite::{self, Against, Build, Status};

/// The runner's and the benchmarks' workspace, from the root.
const RUNNER: &str = "runner/Cargo.toml";

/// A suite gets this long to run before verify calls it hung. The design asks
/// for any hang to be turned into a failure within 10 seconds.
pub const SUITE_LIMIT: Duration = Duration::from_secs(30);

pub fn verify(root: &Path) -> Result<()> {
    let manifest = Manifest::load(root)?;
    let mut report = Report::default();

    report.step("the manifest and the files agree", || {
        let mut problems = manifest.missing_files(root);
        problems.extend(suite_dependencies(root)?);
        if problems.is_empty() {
            Ok(format!("{} exercises", manifest.exercises.len()))
        } else {
            bail!(problems.join("\n"))
        }
    });
    report.step("cargo fmt --check (both workspaces, and variants/)", || {
        cargo(root, &["fmt", "--all", "--", "--check"])?;
        cargo(
            root,
            &["fmt", "--all", "--manifest-path", RUNNER, "--", "--check"],
        )?;
        let variants = variants::files(root, &manifest);
        let status = Command::new("rustfmt")
            .current_dir(root)
            .args(["--edition", "2024", "--check"])
            .args(variants.iter().map(|(_, file)| file))
            .status()
            .context("running rustfmt")?;
        ensure!(
            status.success(),
            "variants/ is not formatted: run `rustfmt --edition 2024 variants/*/*.rs`"
        );
        Ok("formatted".into())
    });
    const STUB_LINTS: [&str; 5] = [
        "unused_variables",
        "unused_imports",
        "unused_mut",
        "dead_code",
        "unreachable_code",
    ];
    // A suite whose stub is shipped not compiling against it is left out of
    // the stubs' lint (step 8 checks that it fails as designed).
    let stub_targets: Vec<String> = manifest
        .exercises
        .iter()
        .filter(|e| e.stub_compile_error.is_none())
        .flat_map(|e| ["--test".to_owned(), e.id.clone()])
        .collect();
    for (title, which) in [
        (
            "cargo clippy, against the solutions",
            &["--all-features"][..],
        ),
        ("cargo clippy, against the stubs", &[]),
        (
            "cargo clippy, the runner and the benchmarks",
            &["--manifest-path", RUNNER],
        ),
    ] {
        report.step(title, || {
            let mut args = vec!["clippy", "--workspace"];
            if which.is_empty() {
                args.extend(["--lib", "--bins", "--examples", "--benches"]);
                args.extend(stub_targets.iter().map(String::as_str));
            } else {
                args.push("--all-targets");
            }
            args.extend(which);
            args.extend(["--", "-D", "warnings"]);
            if which.is_empty() {
                // The stubs leave parameters, fields and imports unused on
                // purpose (the runner shows these warnings only once the
                // learner has edited the file); everything else must be clean.
                for lint in STUB_LINTS {
                    args.extend(["-A", lint]);
                }
            }
            cargo(root, &args).map(|()| "no warnings".into())
        });
    }
    report.step("the runner's own tests", || {
        cargo(
            root,
            &[
                "test",
                "--quiet",
                "--manifest-path",
                RUNNER,
                "-p",
                "asynclings-runner",
            ],
        )
        .map(|()| "pass".into())
    });

    let mut expected_tests = BTreeMap::new();
    report.step("every suite passes against the solutions", || {
        let tests = solutions_pass(root, &manifest)?;
        let count: usize = tests.values().map(BTreeSet::len).sum();
        expected_tests = tests;
        Ok(format!(
            "{count} tests in {} suites pass",
            expected_tests.len()
        ))
    });
    report.step("every test fails against the untouched stubs", || {
        if expected_tests.is_empty() {
            bail!("skipped: the solutions did not pass")
        }
        stubs_fail(root, &manifest, &expected_tests)
    });
    report.step(
        "known mistakes fail, alternative solutions pass (variants/)",
        || variants::check(root, &manifest, &expected_tests),
    );
    report.step("the book's examples run (examples/)", || run_examples(root));
    report.step("the book builds (mdbook build book)", || build_book(root));
    report.step("the benchmarks run (once each: cargo bench-quick)", || {
        quick_benchmarks(root)
    });

    report.finish()
}

/// The suites compile the learner's file into themselves, so the crates the
/// learner may use are the root package's dev-dependencies. Every dependency
/// of `exercises` and `solutions` must be one of them, or a correct answer
/// that `cargo build` accepts fails its suite with "unresolved crate".
fn suite_dependencies(root: &Path) -> Result<Vec<String>> {
    let table = |path: &str| -> Result<toml::Table> {
        let text = std::fs::read_to_string(root.join(path)).with_context(|| path.to_owned())?;
        Ok(toml::from_str(&text)?)
    };
    let keys = |table: &toml::Table, section: &str| -> BTreeSet<String> {
        table
            .get(section)
            .and_then(toml::Value::as_table)
            .map(|deps| deps.keys().cloned().collect())
            .unwrap_or_default()
    };
    let suites = keys(&table("Cargo.toml")?, "dev-dependencies");
    let mut problems = Vec::new();
    for krate in ["exercises", "solutions"] {
        for dependency in keys(
            &table(&format!("crates/{krate}/Cargo.toml"))?,
            "dependencies",
        ) {
            if !suites.contains(&dependency) {
                problems.push(format!(
                    "crates/{krate}/Cargo.toml depends on `{dependency}`, which is not a \
                     dev-dependency of the root package: the suites compile the {krate}' \
                     files, so they need it too"
                ));
            }
        }
    }
    Ok(problems)
}

/// Collects the outcome of each step, so one failure does not hide the next.
#[derive(Default)]
struct Report {
    failures: Vec<String>,
    steps: usize,
}

impl Report {
    fn step(&mut self, title: &str, body: impl FnOnce() -> Result<String>) {
        self.steps += 1;
        eprintln!("\n==> {}. {title}", self.steps);
        let start = Instant::now();
        match body() {
            Ok(summary) => eprintln!("ok: {summary} ({:.1} s)", start.elapsed().as_secs_f64()),
            Err(error) => {
                eprintln!("FAILED: {error:#}");
                self.failures.push(title.to_owned());
            }
        }
    }

    fn finish(self) -> Result<()> {
        eprintln!();
        if self.failures.is_empty() {
            eprintln!("verify: all {} steps passed", self.steps);
            Ok(())
        } else {
            bail!(
                "verify: {} of {} steps failed:\n  - {}",
                self.failures.len(),
                self.steps,
                self.failures.join("\n  - ")
            )
        }
    }
}

/// Runs cargo in `root` with its output on the terminal.
fn cargo(root: &Path, args: &[&str]) -> Result<()> {
    let status = Command::new(suite::env_cargo())
        .current_dir(root)
        .args(args)
        .status()
        .context("running cargo")?;
    if !status.success() {
        bail!("`cargo {}` failed", args.join(" "));
    }
    Ok(())
}

/// Runs every suite against the solutions, with the load tests at full size
/// (`suite::FULL_LOAD`). All tests must pass and none may be ignored.
/// Returns the names of the tests in each suite.
fn solutions_pass(root: &Path, manifest: &Manifest) -> Result<BTreeMap<String, BTreeSet<String>>> {
    let binaries = suite::build(root, Against::Solutions, &[])?;
    let mut problems = Vec::new();
    let mut tests = BTreeMap::new();
    for exercise in &manifest.exercises {
        let id = &exercise.id;
        let Some(binary) = binaries.get(id) else {
            problems.push(format!("{id}: no test binary was built for tests/{id}.rs"));
            continue;
        };
        let run = suite::run_at_full_load(binary, root, SUITE_LIMIT)?;
        if run.timed_out {
            problems.push(format!(
                "{id}: the suite did not finish within {:?} (at full load)",
                SUITE_LIMIT * 3
            ));
        }
        for outcome in &run.outcomes {
            match outcome.status {
                Status::Passed => {}
                Status::Failed => problems.push(format!(
                    "{id}: `{}` fails against the solution:\n{}",
                    outcome.name,
                    indent(&outcome.output)
                )),
                Status::Ignored => problems.push(format!(
                    "{id}: `{}` is ignored; every test must run (remove #[ignore])",
                    outcome.name
                )),
            }
        }
        if run.outcomes.is_empty() {
            problems.push(format!("{id}: the suite has no tests"));
        } else if !run.success && !run.timed_out {
            problems.push(format!(
                "{id}: the suite binary failed:\n{}",
                indent(&run.stdout)
            ));
        }
        // A right answer: the report must not name a classic mistake for it.
        for file in variants::named_in(root, id, &run) {
            problems.push(format!(
                "{id}: the reference solution is taken for a classic mistake, {file}"
            ));
        }
        let names = run.outcomes.iter().map(|o| o.name.clone()).collect();
        tests.insert(id.clone(), names);
    }
    if !problems.is_empty() {
        bail!(problems.join("\n"));
    }
    Ok(tests)
}

/// Runs every suite against the untouched stubs: every test the solutions ran
/// must run here too, and fail. A stub shipped not compiling on purpose
/// (`stub_compile_error` in the manifest) must fail to compile, with those
/// words in the compiler's messages.
fn stubs_fail(
    root: &Path,
    manifest: &Manifest,
    expected: &BTreeMap<String, BTreeSet<String>>,
) -> Result<String> {
    let mut problems = Vec::new();
    let mut not_compiling = 0;
    for exercise in &manifest.exercises {
        let Some(words) = &exercise.stub_compile_error else {
            continue;
        };
        let never = AtomicBool::new(false);
        let id = exercise.id.as_str();
        match suite::build_quietly(root, &[id], SUITE_LIMIT * 20, &never, |_| {})? {
            Build::Failed(messages) if messages.to_lowercase().contains(&words.to_lowercase()) => {
                not_compiling += 1;
            }
            Build::Failed(messages) => problems.push(format!(
                "{id}: the stub does not compile against its suite, as designed, but the \
                 compiler never says \"{words}\":\n{}",
                indent(&messages)
            )),
            _ => problems.push(format!(
                "{id}: the manifest says the stub does not compile against its suite \
                 (\"{words}\"), but it does"
            )),
        }
    }
    let ids: Vec<&str> = expected
        .keys()
        .map(String::as_str)
        .filter(|id| {
            manifest
                .get(id)
                .is_some_and(|e| e.stub_compile_error.is_none())
        })
        .collect();
    let binaries = suite::build(root, Against::Exercises, &ids)?;
    for (id, names) in expected.iter().filter(|(id, _)| ids.contains(&id.as_str())) {
        let binary = binaries
            .get(id)
            .with_context(|| format!("no test binary was built for tests/{id}.rs"))?;
        let run = suite::run(binary, root, SUITE_LIMIT)?;
        if run.timed_out {
            problems.push(format!(
                "{id}: the suite hung against the stub for {SUITE_LIMIT:?}"
            ));
        }
        let failed: BTreeSet<String> = run
            .with_status(Status::Failed)
            .map(|o| o.name.clone())
            .collect();
        for outcome in run.outcomes.iter().filter(|o| o.status != Status::Failed) {
            problems.push(format!(
                "{id}: `{}` does not fail against the untouched stub ({:?}): it checks \
                 nothing the learner writes",
                outcome.name, outcome.status
            ));
        }
        for name in names.difference(&failed) {
            if !run.outcomes.iter().any(|o| &o.name == name) {
                problems.push(format!("{id}: `{name}` did not run against the stub"));
            }
        }
        // An untouched file is unfinished, not mistaken: the report must
        // not name a classic mistake for it.
        for file in variants::named_in(root, id, &run) {
            problems.push(format!(
                "{id}: the untouched stub is taken for a classic mistake, {file}: its words \
                 are in the stub's failure messages too"
            ));
        }
    }
    if !problems.is_empty() {
        bail!(problems.join("\n"));
    }
    let count: usize = expected.values().map(BTreeSet::len).sum();
    Ok(format!(
        "all {count} tests fail ({not_compiling} suite(s) by not compiling, as designed)"
    ))
}

/// Builds and runs every example in `examples/` (the book's snippets that are
/// not solutions); each must exit successfully.
fn run_examples(root: &Path) -> Result<String> {
    let mut examples: Vec<PathBuf> = std::fs::read_dir(root.join("examples"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .collect();
    examples.sort();
    for example in &examples {
        let name = example
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        cargo(root, &["run", "--quiet", "--example", name])
            .with_context(|| format!("examples/{name}.rs"))?;
    }
    Ok(format!("{} examples ran", examples.len()))
}

/// Runs every benchmark once (criterion's `--test` mode), as a smoke test:
/// they compile, run and end. Anything criterion writes goes to
/// `target/criterion-quick`, never over the full measurements that
/// `cargo run -- bench-report` reads.
fn quick_benchmarks(root: &Path) -> Result<String> {
    let output = Command::new(suite::env_cargo())
        .current_dir(root)
        .arg("bench-quick")
        .env("CRITERION_HOME", root.join("target/criterion-quick"))
        .output()
        .context("running cargo bench-quick")?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(30).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        bail!("`cargo bench-quick` failed:\n{}", tail.join("\n"));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    // In test mode criterion says `Testing <name>`, then `Success`.
    let count = stdout
        .lines()
        .filter(|line| line.trim() == "Success")
        .count();
    ensure!(count > 0, "`cargo bench-quick` ran no benchmark");
    Ok(format!("{count} benchmarks ran"))
}

fn build_book(root: &Path) -> Result<String> {
    let version = Command::new("mdbook").arg("--version").output();
    let Ok(version) = version else {
        bail!(
            "mdbook is not installed. Install it with:\n  cargo install --locked mdbook --version 0.5.4"
        );
    };
    let version = String::from_utf8_lossy(&version.stdout).trim().to_owned();
    if !version.contains(" v0.5.") {
        bail!(
            "this book needs mdbook 0.5, found `{version}`. Install it with:\n  \
             cargo install --locked mdbook --version 0.5.4"
        );
    }
    let status = Command::new("mdbook")
        .current_dir(root)
        .args(["build", "book"])
        .status()
        .context("running mdbook")?;
    if !status.success() {
        bail!("`mdbook build book` failed");
    }
    Ok(format!("built with {version} into book/book/"))
}

/// `text` with every line indented, to nest it under a problem.
pub fn indent(text: &str) -> String {
    text.lines()
        .map(|line| format!("      {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}
