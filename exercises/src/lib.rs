//! asynclings: the exercises.
//!
//! Each module is one exercise. Open the file, replace every `todo!()` with your
//! code, and run its hidden test suite: `cargo test --test <id>`, for example
//! `cargo test --test countdown`. The book page for each exercise explains the
//! concepts; `cargo run` shows where you are.

// The stubs are unfinished on purpose: until you fill them in, some parameters,
// fields and imports are not used yet. This crate (which only maintainers'
// checks build) keeps quiet about that. The suites compile your file without
// this line, and the runner shows their warnings about it once you have
// edited it: then an unused `cx` is worth reading (a waker nobody registers?).
#![allow(
    unused_variables,
    unused_imports,
    unused_mut,
    dead_code,
    unreachable_code
)]

pub mod actor;
pub mod batch_timeout;
pub mod block_on;
pub mod channel_stream;
pub mod countdown;
pub mod fair_yield;
pub mod fanout_stream;
pub mod fix_backoff;
pub mod fix_busy_wake;
pub mod fix_cancel_unsafe;
pub mod fix_lost_wakeup;
pub mod graceful_shutdown;
pub mod merge_fair;
pub mod pipeline;
pub mod range_stream;
pub mod relay_codec;
pub mod relay_hub;
pub mod relay_server;
pub mod select_loop;
// This stub holds a std lock across `.await` on purpose (the suite's
// `tokio::spawn` refuses it: that error is the exercise); this crate's own
// lints keep quiet about it.
#[allow(clippy::await_holding_lock)]
pub mod shared_state;
pub mod std_vs_tokio;
pub mod throttled_stream;
pub mod timeout_future;
pub mod timer_future;
pub mod try_stream;
pub mod worker_pool;
