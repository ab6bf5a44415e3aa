//! Mistake: avoids the `select!` with `try_send` and a sleep between tries.
//! No item is lost and the warnings come on time, but the relay looks for
//! room only once per `patience`: an item goes in up to 50 ms after there is
//! room for it, and the consumer finds `output` empty. Waiting, not
//! polling, is what a future is for.
//! expect: fail items_reach_output_as_soon_as_there_is_room "comes late"
//! expect: fail returns_the_count_as_soon_as_the_input_is_closed_and_empty "at 480 ms"
//! expect: pass an_item_waiting_for_room_is_not_lost_when_the_stall_timer_fires
//! expect: pass returns_when_the_consumer_is_gone_having_lost_nothing_it_delivered

use std::time::Duration;
use tokio::sync::mpsc::error::TrySendError;

use tokio::sync::mpsc::{Receiver, Sender};
use tokio::time::sleep;

pub async fn relay(
    mut input: Receiver<u32>,
    output: Sender<u32>,
    patience: Duration,
    mut on_stall: impl FnMut(),
) -> usize {
    let mut relayed = 0;
    while let Some(mut item) = input.recv().await {
        loop {
            match output.try_send(item) {
                Ok(()) => break,
                Err(TrySendError::Full(back)) => {
                    item = back;
                    sleep(patience).await;
                    on_stall();
                }
                Err(TrySendError::Closed(_)) => return relayed,
            }
        }
        relayed += 1;
    }
    relayed
}
