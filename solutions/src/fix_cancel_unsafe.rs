//! `fix_cancel_unsafe`, reference solution.

use std::pin::pin;
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
// ANCHOR: fix
pub async fn relay(
    mut input: Receiver<u32>,
    output: Sender<u32>,
    patience: Duration,
    mut on_stall: impl FnMut(),
) -> usize {
    let mut relayed = 0;
    while let Some(item) = input.recv().await {
        // Wait for room, not to send: `reserve` holds no item, so when the
        // stall timer wins a turn, the item is still here in `item`. Made
        // once and polled by `&mut`, it also keeps its place in the queue of
        // waiting senders from one turn to the next.
        let mut room = pin!(output.reserve());
        let permit = loop {
            tokio::select! {
                permit = &mut room => break permit,
                () = sleep(patience) => on_stall(),
            }
        };
        let Ok(permit) = permit else {
            break; // nobody listens any more
        };
        // With a permit, sending neither waits nor fails.
        permit.send(item);
        relayed += 1;
    }
    relayed
}
// ANCHOR_END: fix
