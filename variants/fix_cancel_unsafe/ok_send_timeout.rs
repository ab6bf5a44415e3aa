//! Another right answer: `Sender::send_timeout`, which gives the item back
//! when the time is up (`SendTimeoutError::Timeout(item)`), so there is
//! nothing to lose and no `select!` at all.
//! expect: pass

use std::time::Duration;
use tokio::sync::mpsc::error::SendTimeoutError;

use tokio::sync::mpsc::{Receiver, Sender};

pub async fn relay(
    mut input: Receiver<u32>,
    output: Sender<u32>,
    patience: Duration,
    mut on_stall: impl FnMut(),
) -> usize {
    let mut relayed = 0;
    while let Some(mut item) = input.recv().await {
        // ANCHOR: timeout
        loop {
            match output.send_timeout(item, patience).await {
                Ok(()) => break,
                Err(SendTimeoutError::Timeout(back)) => {
                    on_stall();
                    item = back;
                }
                Err(SendTimeoutError::Closed(_)) => return relayed,
            }
        }
        // ANCHOR_END: timeout
        relayed += 1;
    }
    relayed
}
