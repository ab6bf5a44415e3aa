//! Mistake: when the timer wins, calls `on_stall()` and then awaits a plain
//! `send(item)`. Nothing is lost any more, but the relay now waits without a
//! timer: an item that waits for 120 ms gets one warning instead of two.
//! expect: fail on_stall_is_called_each_patience_while_an_item_waits "next stall comes"
//! expect: pass an_item_waiting_for_room_is_not_lost_when_the_stall_timer_fires
//! expect: pass items_reach_output_as_soon_as_there_is_room

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
        let sent = tokio::select! {
            sent = output.send(item) => sent,
            () = sleep(patience) => {
                on_stall();
                output.send(item).await
            }
        };
        if sent.is_err() {
            break;
        }
        relayed += 1;
    }
    relayed
}
