//! Mistake: makes the stall timer once, before the loop, and never resets
//! it. A `Sleep` that has fired stays ready on every later poll, so after
//! the first stall every turn of the loop is a stall: `on_stall` is called
//! again and again at the same instant.
//! expect: fail on_stall_is_called_each_patience_while_an_item_waits "stays ready"
//! expect: fail an_item_waiting_for_room_is_not_lost_when_the_stall_timer_fires "stays ready"
//! expect: fail an_item_waiting_for_room_is_not_lost_when_the_stall_timer_fires "poll 2 panicked"

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
    let mut stall = pin!(sleep(patience));
    while let Some(item) = input.recv().await {
        let permit = loop {
            tokio::select! {
                permit = output.reserve() => break permit,
                () = &mut stall => on_stall(),
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
