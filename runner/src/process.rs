//! The processes the runner starts (cargo builds, suite runs), and the rule
//! that none of them outlives the runner.
//!
//! Each one runs in a process group of its own, so that it can be stopped
//! whole (cargo with its rustc processes, a suite with anything it started)
//! when its time is up or a newer save makes it pointless. A group of its own
//! also means the terminal's signals (Ctrl-C, a closed window) do not reach
//! it: the runner must stop it itself. So every group is recorded here while
//! it runs, and [`stop_everything`] stops them all: on `q` in `watch`, when
//! a command returns, and when a signal (SIGINT, SIGTERM, SIGHUP) ends the
//! runner. A busy-looping suite left behind would spin a core at 100 % until
//! the laptop is switched off.

use std::io;
use std::process::{Child, Command, ExitStatus};
use std::sync::Mutex;
use std::time::Duration;

use anyhow::{Context, Result};
use wait_timeout::ChildExt;

/// The groups under way, and whether the runner is stopping (then a group
/// that starts is stopped at once).
static RUNNING: Mutex<(Vec<u32>, bool)> = Mutex::new((Vec::new(), false));

/// A child process leading a process group of its own, stopped whole when it
/// is dropped before it has finished.
pub struct Group {
    child: Child,
    reaped: bool,
}

impl Group {
    /// Spawns `command` as the leader of a new process group.
    ///
    /// The registry stays locked from before the spawn until the child is in
    /// it: a signal that ends the runner meanwhile ([`stop_everything`] takes
    /// the same lock) either comes first, and nothing is started, or after,
    /// and finds the child. (Without this, a child started just as the runner
    /// exits was never stopped.)
    pub fn spawn(command: &mut Command) -> Result<Self> {
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            command.process_group(0);
        }
        let mut running = RUNNING.lock().unwrap_or_else(|e| e.into_inner());
        if running.1 {
            anyhow::bail!(
                "the runner is stopping: {:?} not started",
                command.get_program()
            );
        }
        let child = command
            .spawn()
            .with_context(|| format!("starting {:?}", command.get_program()))?;
        running.0.push(child.id());
        Ok(Self {
            child,
            reaped: false,
        })
    }

    /// The child, for its pipes.
    pub fn child(&mut self) -> &mut Child {
        &mut self.child
    }

    /// The CPU time the child has used so far, all its threads together
    /// (Linux only: read from /proc; `None` elsewhere).
    pub fn cpu_time(&self) -> Option<Duration> {
        cpu_time(self.child.id())
    }

    /// Waits up to `limit` for the child to finish.
    pub fn wait_timeout(&mut self, limit: Duration) -> io::Result<Option<ExitStatus>> {
        let status = self.child.wait_timeout(limit)?;
        if status.is_some() {
            self.reaped();
        }
        Ok(status)
    }

    /// Stops the child and every process in its group, then reaps it.
    pub fn kill(&mut self) {
        if self.reaped {
            return;
        }
        kill_group(self.child.id());
        self.child.kill().ok();
        self.child.wait().ok();
        self.reaped();
    }

    fn reaped(&mut self) {
        self.reaped = true;
        let mut running = RUNNING.lock().unwrap_or_else(|e| e.into_inner());
        let id = self.child.id();
        running.0.retain(|&pid| pid != id);
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Stops every group under way, and any that starts from now on.
pub fn stop_everything() {
    let mut running = RUNNING.lock().unwrap_or_else(|e| e.into_inner());
    running.1 = true;
    for &pid in &running.0 {
        kill_group(pid);
    }
}

/// Stops the runner's children when a signal ends it: Ctrl-C (when the
/// terminal is not in raw mode), `kill`, or a closed terminal. The signal's
/// usual effect, ending the runner, follows (exit code 128 + the signal).
pub fn stop_everything_on_signals() {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        use signal_hook::iterator::Signals;
        let Ok(mut signals) = Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            return;
        };
        std::thread::spawn(move || {
            if let Some(signal) = signals.forever().next() {
                stop_everything();
                // `watch` may have the terminal in raw mode.
                let _ = crossterm::terminal::disable_raw_mode();
                std::process::exit(128 + signal);
            }
        });
    }
}

fn kill_group(pid: u32) {
    #[cfg(unix)]
    {
        use nix::sys::signal::{Signal, killpg};
        use nix::unistd::Pid;
        if let Ok(pid) = i32::try_from(pid) {
            let _ = killpg(Pid::from_raw(pid), Signal::SIGKILL);
        }
    }
    #[cfg(not(unix))]
    let _ = pid;
}

/// User plus system time of process `pid`, from `/proc/<pid>/stat`.
#[cfg(target_os = "linux")]
fn cpu_time(pid: u32) -> Option<Duration> {
    use nix::unistd::{SysconfVar, sysconf};
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the command name (which may hold spaces, in parens):
    // state is field 3, utime and stime are fields 14 and 15.
    let after_name = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    let per_second = u64::try_from(sysconf(SysconfVar::CLK_TCK).ok()??).ok()?;
    Some(Duration::from_secs_f64(ticks as f64 / per_second as f64))
}

#[cfg(not(target_os = "linux"))]
fn cpu_time(_pid: u32) -> Option<Duration> {
    None
}
