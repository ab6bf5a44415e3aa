//! Mistake: `tokio::time::interval(period)`, whose first tick completes at
//! once (tokio's docs: "The first tick completes immediately"). Items already
//! waiting when the loop starts are flushed at 0 ms, a period early.
//! `interval_at(Instant::now() + period, period)` starts the grid where the
//! contract does.
//! (The items branch comes before the tick here, a natural order; with the
//! tick first, that immediate first tick always finds an empty buffer, and
//! the mistake hides.)
//! expect: fail items_waiting_at_the_start_wait_for_the_first_tick "first tick completes at once"
//! expect: pass a_late_loop_flushes_at_once_then_keeps_to_its_grid

use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::interval;
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
    let mut buffer = Vec::new();
    // ANCHOR: timer
    // The first tick is now, not a period from now.
    let mut tick = interval(period);
    // ANCHOR_END: timer
    loop {
        tokio::select! {
            biased;
            () = shutdown.cancelled() => break,
            item = items.recv() => match item {
                Some(item) => buffer.push(item),
                None => break,
            },
            _ = tick.tick() => {
                if !buffer.is_empty() {
                    flush(std::mem::take(&mut buffer));
                }
            }
        }
    }
    if !buffer.is_empty() {
        flush(buffer);
    }
}
