//! Mistake: keeps `send(item)` in the `select!` and adds `biased;` with the
//! send first, hoping it wins. `biased` only decides which branch is polled
//! first: it saves an item when room comes at the very instant a stall is
//! due (a tie, which an unbiased `select!` breaks at random), but when the
//! output is full the send is not ready, the timer wins, and the send future
//! is dropped with the item in it, exactly as before.
//! expect: pass an_item_is_not_lost_when_room_comes_as_the_stall_is_due
//! expect: fail an_item_waiting_for_room_is_not_lost_when_the_stall_timer_fires "not cancel safe"
//! expect: fail the_producer_is_held_back_by_a_slow_consumer "backpressure"
//! expect: fail dropped_at_any_point_it_keeps_nothing_running_and_delivers_a_prefix "not cancel safe"

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
        tokio::select! {
            biased;
            sent = output.send(item) => {
                if sent.is_err() {
                    break;
                }
                relayed += 1;
            }
            () = sleep(patience) => on_stall(),
        }
    }
    relayed
}
