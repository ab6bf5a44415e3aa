//! The commands a learner or an instructor types, one module each. They
//! share the manifest (`crate::manifest`), the progress record
//! (`crate::progress`), where each exercise stands (`crate::state`) and how a
//! result reads (`crate::report`); the maintainers' commands are in
//! `crate::maintainer`.

use std::fmt;

pub mod doctor;
pub mod hint;
pub mod prepare;
pub mod reset;
pub mod solution;
pub mod status;
pub mod test;
pub mod watch;

/// A mistake in how the runner was called: an unknown id, a missing file, the
/// wrong folder. It exits with code 2.
#[derive(Debug)]
pub struct Usage(pub String);

impl fmt::Display for Usage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Usage {}

/// Exit codes beyond 0 (success), 1 (a suite failed) and 2 (usage).
pub const EXIT_HUNG: u8 = 3;
