//! `select_loop`: an event loop that buffers items from a channel and flushes
//! them on a fixed period, until the channel closes or shutdown is signalled.
//!
//! One `tokio::select!` in a loop waits for three things at once: shutdown,
//! the next tick of the flush timer, and the next item. The timer is one
//! `Sleep`, made before the loop and moved on by one period from its own
//! deadline after each tick, so the ticks stay on the grid start + k·period
//! whatever happens in between. Every branch is cancel safe: `select!` drops
//! the losing ones on every turn, and `recv` takes nothing when it loses. The
//! buffer lives outside the `select!`, so no branch ever holds an item.

use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::sleep;
use tokio_util::sync::CancellationToken;

// ANCHOR: flush_loop
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
    // One timer for the whole loop: made once, pinned, moved on after each
    // tick. A `sleep(period)` written inside `select!` would be a new timer
    // on every turn, restarted by every item.
    let tick = sleep(period);
    tokio::pin!(tick);
    // ANCHOR_END: timer
    loop {
        // ANCHOR: select
        tokio::select! {
            // Poll in the order written, not at random: shutdown first, so
            // that no item is taken once it is signalled; the tick before the
            // items, so that a flood of items cannot hold the flush back.
            biased;
            () = shutdown.cancelled() => break,
            () = tick.as_mut() => {
                if !buffer.is_empty() {
                    flush(std::mem::take(&mut buffer));
                }
                // The next tick is one period after this one was due (not
                // after now): the grid never drifts, and a `Sleep` that has
                // fired is never polled again unchanged (it would be ready
                // at once, forever).
                let next = tick.deadline() + period;
                tick.as_mut().reset(next);
            }
            // `recv` is cancel safe: when another branch wins, no item was
            // taken. `None`: every sender is gone and the channel is empty.
            item = items.recv() => match item {
                Some(item) => buffer.push(item),
                None => break,
            },
        }
        // ANCHOR_END: select
    }
    // ANCHOR: last
    if !buffer.is_empty() {
        flush(buffer);
    }
    // ANCHOR_END: last
}
// ANCHOR_END: flush_loop
