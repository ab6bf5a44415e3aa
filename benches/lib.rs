//! What the benchmarks share: the message counts and the runtimes.
//!
//! Every figure the book quotes is a ratio of two benchmarks measured in the
//! same run (`cargo bench`, then `cargo run -- bench-report`), never an
//! absolute time: absolute times say more about the machine than the code.

use std::time::Duration;

use criterion::Criterion;
use tokio::runtime::{Builder, Runtime};

/// Messages sent per iteration of a channel benchmark: enough that starting
/// the producers (a thread or a task each) is a small part of the time.
pub const MESSAGES: u64 = 10_000;

/// Producers in the fan-in benchmarks.
pub const PRODUCERS: u64 = 4;

/// The buffer sizes of the bounded channels.
pub const BUFFERS: [usize; 3] = [8, 128, 1024];

/// A multi-thread runtime with one worker per core of a small laptop (2).
pub fn multi_thread() -> Runtime {
    Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .expect("a tokio runtime")
}

/// A current-thread runtime with the timer enabled.
pub fn current_thread() -> Runtime {
    Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a tokio runtime")
}

/// The criterion settings of every group: 30 samples after 1 s of warm-up,
/// over about 3 s. A full `cargo bench` then takes a few minutes on 2 cores.
pub fn config() -> Criterion {
    Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}
