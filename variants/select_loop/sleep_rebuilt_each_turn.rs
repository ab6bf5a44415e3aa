//! Mistake: writes `sleep(period)` inside the `select!`. That is a new timer
//! on every turn of the loop, and every item starts a new turn: the period
//! restarts at each item. With items closer together than the period, the
//! timer never fires, and nothing is flushed until the items pause or end.
//! expect: fail the_period_does_not_restart_at_each_item "the period restarted"
//! expect: fail flushes_every_period_counted_from_the_start_not_from_the_first_item "not 350"

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
    let mut buffer = Vec::new();
    loop {
        // ANCHOR: select
        tokio::select! {
            biased;
            () = shutdown.cancelled() => break,
            // A fresh 100 ms every turn: restarted by every item.
            () = sleep(period) => {
                if !buffer.is_empty() {
                    flush(std::mem::take(&mut buffer));
                }
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
