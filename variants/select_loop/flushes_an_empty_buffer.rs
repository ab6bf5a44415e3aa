//! Mistake: flushes at every tick, and at the end, whether or not anything
//! came in: an empty flush. The contract, and the code downstream (a write, a
//! network request), want a call only when there is something to hand over.
//! expect: fail an_empty_buffer_is_never_flushed "an empty flush"

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
                // Called with an empty Vec when nothing came in.
                flush(std::mem::take(&mut buffer));
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
    flush(buffer);
}
