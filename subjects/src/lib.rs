//! The code under test in the write-tests exercises (`catch_countdown`,
//! `catch_throttle`, `catch_line_reader`).
//!
//! In those exercises the code is given and you write the tests. Each module
//! here is one subject, the type your tests use:
//!
//! - [`countdown::Countdown`]: a future written by hand;
//! - [`throttle::Throttle`]: a stream that lets one item through per delay;
//! - [`lines::LineReader`]: a stream of the lines of an `AsyncRead`.
//!
//! Read the subject's reference implementation (`subjects/src/reference/`)
//! to know what it promises: that is what your tests pin down.
//!
//! Each subject also has hidden buggy versions (`subjects/src/bugs/`: no
//! peeking until your tests catch them all). Which implementation a subject
//! runs is chosen when it is created, from the environment variable
//! [`SUBJECT_VAR`]: unset, the reference; set to a bug's name, that bug. The
//! exercise's suite runs your tests once per implementation, so one test
//! binary serves them all, and tells you which bugs your tests missed.

pub mod countdown;
pub mod lines;
pub mod throttle;

/// The reference implementations: correct, and what the tests pin down.
mod reference {
    pub mod countdown;
    pub mod lines;
    pub mod throttle;
}

/// The buggy versions, one file each. Each file's `BUG` says in words what it
/// does wrong; the grading quotes those words, never the code.
mod bugs {
    pub mod countdown {
        pub mod forgets_to_wake;
        pub mod one_pending_too_few;
        pub mod one_pending_too_many;
        pub mod wakes_a_stale_waker;
        pub mod wakes_only_the_first_time;
        pub mod zero_is_pending_once;
    }
    pub mod throttle {
        pub mod delays_the_first_item;
        pub mod drops_items_while_waiting;
        pub mod forgets_the_timer;
        pub mod never_ends;
        pub mod restarts_the_delay_after_a_slow_upstream;
        pub mod wakes_itself_while_waiting;
    }
    pub mod lines {
        pub mod drops_the_last_line;
        pub mod ends_at_an_empty_line;
        pub mod ends_when_a_read_must_wait;
        pub mod keeps_the_carriage_return;
        pub mod splits_lines_at_read_boundaries;
        pub mod takes_an_error_for_the_end;
    }
}

/// The environment variable that chooses which implementation the subjects
/// run: unset (or empty), the reference; else the name of one of the
/// subject's [`Bug`]s.
pub const SUBJECT_VAR: &str = "ASYNCLINGS_SUBJECT";

/// Words in the panic of a subject created with an unknown [`SUBJECT_VAR`]:
/// the grading looks for them, so that a misspelt bug is a maintainer's
/// error, never a bug "caught".
pub const UNKNOWN_SUBJECT: &str = "is not an implementation of this subject";

/// One hidden buggy version of a subject, described in words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bug {
    /// Its name, the value of [`SUBJECT_VAR`] that selects it.
    pub name: &'static str,
    /// What it does wrong, as a learner would observe it.
    pub wrong: &'static str,
    /// What kind of test exposes it (the tool, and what to check).
    pub exposed_by: &'static str,
}

/// The implementation [`SUBJECT_VAR`] asks for among `bugs`: `None` for the
/// reference, else the bug (which a subject matches against each bug
/// module's `BUG`, so that a name is written once). Panics on a name that is
/// not in `bugs`.
fn chosen(bugs: &[Bug]) -> Option<Bug> {
    let name = std::env::var(SUBJECT_VAR).ok()?;
    if name.is_empty() {
        return None;
    }
    match bugs.iter().find(|bug| bug.name == name) {
        Some(bug) => Some(*bug),
        None => {
            let known: Vec<&str> = bugs.iter().map(|bug| bug.name).collect();
            panic!(
                "{SUBJECT_VAR}={name} {UNKNOWN_SUBJECT} (unset it for the reference; the bugs \
                 are {})",
                known.join(", ")
            )
        }
    }
}
