//! Another right answer: `recv_many` straight into the buffer. It takes
//! every item waiting (up to the limit) in one go, and it is cancel safe: it
//! writes into the caller's `Vec`, not one of its own, so nothing is lost
//! when another branch wins. It returns 0 only once the channel has closed
//! and is empty.
//! expect: pass

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
            received = items.recv_many(&mut buffer, 64) => {
                if received == 0 {
                    break;
                }
            }
        }
        // ANCHOR_END: select
    }
    if !buffer.is_empty() {
        flush(buffer);
    }
}
