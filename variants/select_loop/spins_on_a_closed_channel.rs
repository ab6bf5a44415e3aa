//! Mistake: ignores the `None` that `recv()` gives once every sender is
//! gone. A closed channel is ready at once, every time: the loop turns and
//! turns without ever waiting, a busy loop that holds the thread (and on the
//! paused clock, time can never move on).
//! expect: fail flushes_and_returns_at_once_when_the_channel_closes "busy loop"
//! expect: fail flushes_and_returns_at_once_when_the_channel_closes "the clock never moved"

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
            // `None` is ready at once on every turn from now on.
            item = items.recv() => {
                if let Some(item) = item {
                    buffer.push(item);
                }
            }
        }
        // ANCHOR_END: select
    }
    if !buffer.is_empty() {
        flush(buffer);
    }
}
