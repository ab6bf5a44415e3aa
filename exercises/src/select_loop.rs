//! `select_loop`: an event loop that buffers items from a channel and flushes
//! them on a fixed period, until the channel closes or shutdown is signalled.
//!
//! Book: "A select! loop" (in the Cancellation and select! part). Test: `cargo test --test select_loop`.

use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::sleep;
use tokio_util::sync::CancellationToken;

/// Receives `items` into a buffer and hands the buffer to `flush` at every
/// tick, `period`, `2·period`, … after the loop starts (its first poll),
/// unless it is empty. Returns once every sender is gone, or `shutdown` is
/// cancelled, after flushing what it has received (if anything).
pub async fn flush_loop(
    mut items: mpsc::Receiver<u32>,
    shutdown: CancellationToken,
    period: Duration,
    mut flush: impl FnMut(Vec<u32>),
) {
    todo!("one `tokio::select!` in a loop: shutdown, the next tick, the next item")
}
