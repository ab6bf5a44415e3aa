//! `cargo run`: starts the asynclings runner.
//!
//! The runner (`runner/`) is a workspace of its own, with its own lock file,
//! so that its many dependencies (a command-line parser, a file watcher, a
//! terminal library, the benchmarks' criterion) never weigh on the learner's
//! `cargo test --test <id>`: cargo resolves and checks only the small graph of
//! the suites. This program, the root package's only binary and free of
//! dependencies, hands every `cargo run -- <command>` over to it:
//!
//! ```text
//! cargo run --quiet --manifest-path runner/Cargo.toml --target-dir <ours> -- <command>
//! ```
//!
//! On Unix it replaces itself with that cargo, so signals, the terminal and
//! the exit code belong to the runner alone.

use std::env;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // This binary is `<target>/debug/asynclings`: the runner builds into the
    // same target folder, whatever it is (`target/`, CARGO_TARGET_DIR, …).
    let target = env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.to_owned()))
        .unwrap_or_else(|| root.join("target"));
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .arg("run")
        .arg("--manifest-path")
        .arg(root.join("runner/Cargo.toml"))
        .arg("--target-dir")
        .arg(&target)
        .args(["--bin", "asynclings-runner"]);
    if runner_built(&target) {
        command.arg("--quiet");
    } else {
        eprintln!("Building the asynclings runner (the first time only: a minute or two)…");
    }
    command.arg("--").args(env::args_os().skip(1));
    run(command)
}

/// Whether the runner was built before: then cargo's own progress lines
/// would only be noise.
fn runner_built(target: &Path) -> bool {
    let name = format!("asynclings-runner{}", env::consts::EXE_SUFFIX);
    PathBuf::from(target).join("debug").join(name).is_file()
}

#[cfg(unix)]
fn run(mut command: Command) -> ExitCode {
    use std::os::unix::process::CommandExt;
    // `exec` returns only if it failed.
    let error = command.exec();
    eprintln!("error: could not start cargo to run the asynclings runner: {error}");
    ExitCode::FAILURE
}

#[cfg(not(unix))]
fn run(mut command: Command) -> ExitCode {
    match command.status() {
        Ok(status) => ExitCode::from(status.code().map_or(1, |code| code as u8)),
        Err(error) => {
            eprintln!("error: could not start cargo to run the asynclings runner: {error}");
            ExitCode::FAILURE
        }
    }
}
