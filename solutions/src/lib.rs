//! Reference solutions for asynclings.
//!
//! Every module here has the same public items, with the same signatures, as its
//! stub in `exercises/src/`. The hidden suites in `tests/` run against this crate
//! with `cargo test --features solutions`, and the book includes its code.

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
pub mod shared_state;
pub mod std_vs_tokio;
pub mod throttled_stream;
pub mod timeout_future;
pub mod timer_future;
pub mod try_stream;
pub mod worker_pool;
