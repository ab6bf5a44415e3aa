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
//! When the runner's binary is newer than every file of `runner/` (it is, but
//! for a maintainer who just edited it, or a `git pull` that changed it), it
//! starts that binary directly and saves the second cargo's check of the
//! runner's workspace: `cargo run -- test <id>` is then as quick as it can be.
//!
//! On Unix it replaces itself with that cargo, or the runner, so signals, the
//! terminal and the exit code belong to the runner alone.

use std::env;
use std::fs;
use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::SystemTime;

fn main() -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // This binary is `<target>/debug/asynclings`: the runner builds into the
    // same target folder, whatever it is (`target/`, CARGO_TARGET_DIR, …).
    let target = env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.to_owned()))
        .unwrap_or_else(|| root.join("target"));
    let runner = target
        .join("debug")
        .join(format!("asynclings-runner{}", env::consts::EXE_SUFFIX));
    let built = modified(&runner);
    let sources = ["runner/src", "runner/Cargo.toml", "runner/Cargo.lock"];
    let newest = sources.iter().map(|path| newest(&root.join(path))).max();
    if built.is_some_and(|built| Some(built) > newest) {
        let mut command = Command::new(runner);
        command.args(env::args_os().skip(1));
        return run(command);
    }
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .arg("run")
        .arg("--manifest-path")
        .arg(root.join("runner/Cargo.toml"))
        .arg("--target-dir")
        .arg(&target)
        .args(["--bin", "asynclings-runner"]);
    if built.is_some() {
        // Built before: cargo's progress lines would only be noise.
        command.arg("--quiet");
    } else {
        eprintln!("Building the asynclings runner (the first time only: a minute or two)…");
    }
    command.arg("--").args(env::args_os().skip(1));
    run(command)
}

fn modified(path: &Path) -> Option<SystemTime> {
    fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// When `path` was last modified, or, for a folder, the newest file in it;
/// now if something cannot be read (then cargo decides).
fn newest(path: &Path) -> SystemTime {
    if !path.is_dir() {
        return modified(path).unwrap_or_else(SystemTime::now);
    }
    let Ok(entries) = fs::read_dir(path) else {
        return SystemTime::now();
    };
    entries
        .map(|entry| entry.map_or_else(|_| SystemTime::now(), |entry| newest(&entry.path())))
        .max()
        .unwrap_or(SystemTime::UNIX_EPOCH)
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
