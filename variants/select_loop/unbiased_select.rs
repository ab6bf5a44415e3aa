//! Mistake: leaves out `biased;`. Without it `select!` polls its branches
//! starting from a random one, so when shutdown is signalled while items wait
//! in the channel, the loop may take some of them first: shutdown does not
//! come first. (The order of the branches as written matters only with
//! `biased;`.)
//! expect: fail shutdown_comes_before_items_waiting_in_the_channel "biased"
//! expect: pass an_empty_buffer_is_never_flushed
//! expect: pass flushes_what_it_has_and_returns_at_once_on_shutdown

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
        // No `biased;`: a random branch is polled first on every turn.
        tokio::select! {
            () = shutdown.cancelled() => break,
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
