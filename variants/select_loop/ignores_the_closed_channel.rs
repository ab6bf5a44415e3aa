//! Mistake: receives with the pattern `Some(item) = items.recv()` and ends
//! the loop in an `else` branch. Once every sender is gone, `recv()` gives
//! `None`, the pattern does not match, and `select!` disables that branch
//! for this turn only and waits for the others; `else` runs only when every
//! branch is disabled, and the timer and the shutdown never are. So the loop
//! never returns: it wakes at every tick, finds `None` again, and waits on.
//! expect: fail flushes_and_returns_at_once_when_the_channel_closes "had not returned"

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
            () = shutdown.cancelled() => break,
            () = tick.as_mut() => {
                if !buffer.is_empty() {
                    flush(std::mem::take(&mut buffer));
                }
                let next = tick.deadline() + period;
                tick.as_mut().reset(next);
            }
            // `None` disables this branch for one turn; it does not end the loop.
            Some(item) = items.recv() => buffer.push(item),
            else => break,
        }
        // ANCHOR_END: select
    }
    if !buffer.is_empty() {
        flush(buffer);
    }
}
