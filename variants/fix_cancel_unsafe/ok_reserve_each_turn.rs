//! Another right answer: `reserve()` written straight into the `select!`,
//! a new one on every turn. A dropped `reserve` holds no item, so nothing is
//! lost; it loses only its place in the queue of senders waiting for room,
//! which matters when other senders compete for the same channel (not here).
//! expect: pass

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
        let permit = loop {
            tokio::select! {
                permit = output.reserve() => break permit,
                () = sleep(patience) => on_stall(),
            }
        };
        let Ok(permit) = permit else {
            break;
        };
        permit.send(item);
        relayed += 1;
    }
    relayed
}
