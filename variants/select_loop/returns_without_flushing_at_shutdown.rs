//! Mistake: returns from inside the shutdown branch. The loop ends at once,
//! as it should, but the items it has received since the last tick are never
//! flushed: work lost at shutdown. Whichever way the loop ends, the buffer
//! goes out on the way.
//! expect: fail flushes_what_it_has_and_returns_at_once_on_shutdown "work was lost at shutdown"
//! expect: pass a_late_loop_flushes_at_once_then_keeps_to_its_grid

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
    let tick = sleep(period);
    tokio::pin!(tick);
    loop {
        // ANCHOR: select
        tokio::select! {
            biased;
            // Returns with the buffer still full.
            () = shutdown.cancelled() => return,
            () = tick.as_mut() => {
                if !buffer.is_empty() {
                    flush(std::mem::take(&mut buffer));
                }
                let next = tick.deadline() + period;
                tick.as_mut().reset(next);
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
