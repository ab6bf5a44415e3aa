//! Mistake: moves the timer on only when it flushed. After a tick with an
//! empty buffer the `Sleep` stays as it is, and a `Sleep` that has fired is
//! ready again every time it is polled: the loop turns without waiting, a
//! busy loop, from the first empty tick on.
//! expect: fail an_empty_buffer_is_never_flushed "a `Sleep` that fired and was not reset"
//! expect: fail is_woken_by_items_and_ticks_and_never_by_itself "also when there was nothing to flush"

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
                    // Reset only here: an empty tick leaves the timer fired.
                    let next = tick.deadline() + period;
                    tick.as_mut().reset(next);
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
