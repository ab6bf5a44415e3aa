//! Hidden suite for `catch_throttle`, a write-tests exercise: the learner's
//! file holds tests of `subjects::throttle::Throttle`.
//!
//! Those tests are compiled in here and run as they are, against the
//! reference; then [`your_tests_catch_every_hidden_bug`] runs them again
//! against each hidden buggy version (`subjects/src/bugs/throttle/`) and
//! says how many bugs they caught (`support::grading`).

// The tests under test, compiled into this suite: your `exercises/src/catch_throttle.rs`,
// or the reference tests with `cargo test --features solutions`.
#[cfg_attr(
    not(feature = "solutions"),
    path = "../exercises/src/catch_throttle.rs"
)]
#[cfg_attr(feature = "solutions", path = "../solutions/src/catch_throttle.rs")]
mod catch_throttle;

use support::grading::Subject;

#[test]
fn your_tests_catch_every_hidden_bug() {
    support::grading::your_tests_catch_every_hidden_bug(&Subject {
        name: "Throttle",
        reference: "subjects/src/reference/throttle.rs",
        bugs: subjects::throttle::BUGS,
    });
}
