//! Another right answer: an `Interval` instead of a `Sleep` moved on by
//! hand. `interval_at` puts the first tick a period after the start (plain
//! `interval` ticks at once); `MissedTickBehavior::Skip` serves a missed tick
//! once, late, and keeps the grid. The default, `Burst`, passes too: the
//! extra ticks it fires after a late one find an empty buffer and flush
//! nothing. `Delay` does not: it moves the grid. `tick()` is cancel safe.
//! expect: pass

use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::{Instant, MissedTickBehavior, interval_at};
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
    let mut tick = interval_at(Instant::now() + period, period);
    tick.set_missed_tick_behavior(MissedTickBehavior::Skip);
    // ANCHOR_END: timer
    loop {
        tokio::select! {
            biased;
            () = shutdown.cancelled() => break,
            _ = tick.tick() => {
                if !buffer.is_empty() {
                    flush(std::mem::take(&mut buffer));
                }
            }
            item = items.recv() => match item {
                Some(item) => buffer.push(item),
                None => break,
            },
        }
    }
    if !buffer.is_empty() {
        flush(buffer);
    }
}
