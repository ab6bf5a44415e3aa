//! Mistake: resets the timer to one period after *now* at each tick. While the
//! loop is served on time, now is the tick's own deadline and nothing shows.
//! When it is late (its task was busy), every later tick is late by as much:
//! the grid drifts, as with `MissedTickBehavior::Delay`. The next tick is one
//! period after the one that fired: `tick.deadline() + period`.
//! expect: fail a_late_loop_flushes_at_once_then_keeps_to_its_grid "not 450"
//! expect: pass an_empty_buffer_is_never_flushed

use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::{Instant, sleep};
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
    let tick = sleep(period);
    tokio::pin!(tick);
    loop {
        // ANCHOR: select
        tokio::select! {
            biased;
            () = shutdown.cancelled() => break,
            () = tick.as_mut() => {
                if !buffer.is_empty() {
                    flush(std::mem::take(&mut buffer));
                }
                // One period from now: as late as this tick was.
                tick.as_mut().reset(Instant::now() + period);
            }
            item = items.recv() => match item {
                Some(item) => buffer.push(item),
                None => break,
            },
        }
        // ANCHOR_END: select
    }
    if !buffer.is_empty() {
        flush(buffer);
    }
}
