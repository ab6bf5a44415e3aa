//! `fix_cancel_unsafe`: spot the bug, then fix it.
//!
//! Book: "Fix the lost item" (in the Cancellation and select! part). Test:
//! `cargo test --test fix_cancel_unsafe`.
//!
//! This relay compiles, passes a quick test with a consumer that keeps up, and
//! loses items in production, where the consumer is sometimes slow. Find out
//! why, and repair it. The public API stays.

use std::time::Duration;

use tokio::sync::mpsc::{Receiver, Sender};
use tokio::time::sleep;

/// Moves every item from `input` to `output`, in order, and says when the
/// output is slow.
///
/// It takes an item from `input` only once the previous one is in `output`,
/// so a slow consumer holds the producers back. Each time an item has waited
/// `patience` for room in `output`, it calls `on_stall()` (to log a warning,
/// say) and goes on waiting. It returns how many items it put into `output`:
/// at once when `input` is closed and empty, or when `output`'s receiver is
/// gone.
// ANCHOR: bug
pub async fn relay(
    mut input: Receiver<u32>,
    output: Sender<u32>,
    patience: Duration,
    mut on_stall: impl FnMut(),
) -> usize {
    let mut relayed = 0;
    while let Some(item) = input.recv().await {
        tokio::select! {
            sent = output.send(item) => {
                if sent.is_err() {
                    break; // nobody listens any more
                }
                relayed += 1;
            }
            // The consumer is slow: say so.
            () = sleep(patience) => on_stall(),
        }
    }
    relayed
}
// ANCHOR_END: bug
