//! The maintainers' tools: `cargo verify` and what it runs (the variants),
//! the book's preprocessor, and the benchmark and loop reports. A learner's
//! command never runs this code (except the book preprocessor, through
//! `mdbook build`).

pub mod bench_report;
pub mod book;
pub mod loop_bench;
pub mod variants;
pub mod verify;
