//! Mistake: takes up to four items per turn with a helper that awaits
//! `recv()` several times and keeps what it got in a local `Vec`. When the
//! timer (or the shutdown) wins while the helper is part-way, `select!` drops
//! the helper's future, and the items in its `Vec` with it: taken from the
//! channel, never flushed. `recv()` is cancel safe; a future that awaits it
//! more than once, holding items in between, is not.
//! expect: fail the_period_does_not_restart_at_each_item "lost when another branch won"
//! expect: fail dropping_the_loop_stops_it_and_loses_no_order "an undisturbed run"

use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::sleep;
use tokio_util::sync::CancellationToken;

// ANCHOR: gather
/// Up to `max` items, as they come; `None` once the channel has closed and
/// nothing was taken.
async fn take_up_to(items: &mut mpsc::Receiver<u32>, max: usize) -> Option<Vec<u32>> {
    let mut batch = Vec::new();
    while batch.len() < max {
        // Dropped at this `.await`, the future loses `batch`.
        match items.recv().await {
            Some(item) => batch.push(item),
            None => break,
        }
    }
    (!batch.is_empty()).then_some(batch)
}
// ANCHOR_END: gather

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
            batch = take_up_to(&mut items, 4) => match batch {
                Some(batch) => buffer.extend(batch),
                None => break,
            },
        }
        // ANCHOR_END: select
    }
    if !buffer.is_empty() {
        flush(buffer);
    }
}
