//! Mistake: when the timer wins, hands the item to a spawned task that sends
//! it later. Nothing waits for that task: the relay takes the next item at
//! once (no backpressure), items overtake each other, and the task keeps
//! running after the relay has been dropped.
//! expect: fail the_producer_is_held_back_by_a_slow_consumer "backpressure"
//! expect: fail dropped_at_any_point_it_keeps_nothing_running_and_delivers_a_prefix "keeps running"

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
            sent = output.send(item) => {
                if sent.is_err() {
                    break;
                }
            }
            () = sleep(patience) => {
                on_stall();
                let output = output.clone();
                tokio::spawn(async move { output.send(item).await });
            }
        }
        relayed += 1;
    }
    relayed
}
