//! Another right answer: one `send` future per item, made before the loop
//! of `select!`s, pinned, and polled by `&mut`. When the timer wins, the
//! `select!` drops only the reference; the send, and the item in it, live
//! on into the next turn.
//! expect: pass

use std::pin::pin;
use std::time::Duration;

use tokio::sync::mpsc::{Receiver, Sender};
use tokio::time::sleep;

pub async fn relay(
    mut input: Receiver<u32>,
    output: Sender<u32>,
    patience: Duration,
    mut on_stall: impl FnMut(),
) -> usize {
    let mut relayed = 0;
    while let Some(item) = input.recv().await {
        // ANCHOR: send
        let mut send = pin!(output.send(item));
        let sent = loop {
            tokio::select! {
                sent = &mut send => break sent,
                () = sleep(patience) => on_stall(),
            }
        };
        // ANCHOR_END: send
        if sent.is_err() {
            break;
        }
        relayed += 1;
    }
    relayed
}
