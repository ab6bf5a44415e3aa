//! The Capstone chapter, "One line to many: the hub": one talker, one slow
//! reader, three answers to a full queue. The Backpressure chapter's fan-out
//! waits for room; the capstone's hub counts what the reader missed and
//! tells it; `tokio::sync::broadcast` overwrites the oldest lines and tells
//! every receiver how far it lagged, its own lines included.
//!
//! Nothing here needs a runtime: the channels are used with calls that never
//! wait, and a future that would wait is polled once to show it.

// The reference hub of the capstone, compiled into this program.
#[path = "../solutions/src/relay_hub.rs"]
mod relay_hub;

use futures::{FutureExt, StreamExt};
use relay_hub::{Delivery, Hub};
use tokio::sync::broadcast::{self, error::TryRecvError};
use tokio::sync::mpsc;

fn main() {
    // ANCHOR: wait
    // Wait: a bounded channel per reader, and `send().await`. The third line
    // does not go in until the reader makes room, and the talker waits.
    let (to_reader, mut reader) = mpsc::channel::<String>(2);
    for k in 1..=2 {
        to_reader.try_send(k.to_string()).unwrap();
    }
    let third = to_reader.send("3".to_owned()).now_or_never();
    assert!(third.is_none(), "the send is still waiting for room");
    reader.try_recv().unwrap();
    assert!(to_reader.send("3".to_owned()).now_or_never().is_some());
    // ANCHOR_END: wait
    println!("wait:      line 3 went in only once the reader had taken line 1");

    // ANCHOR: hub
    // Skip ahead and tell: the hub, with a queue of 2 per client.
    let hub = Hub::new(2);
    let (mut talker, mut reader) = (hub.join(), hub.join());
    assert_eq!(hub.clients(), 2);
    for k in 1..=5 {
        hub.publish(talker.id(), k.to_string()); // never waits
    }
    let got: Vec<Delivery> =
        std::iter::from_fn(|| reader.next().now_or_never().flatten()).collect();
    let line = |text: &str| Delivery::Line {
        from: 1,
        text: text.to_owned(),
    };
    assert_eq!(got, [line("1"), line("2"), Delivery::Missed(3)]);
    // The talker hears nothing: not its own lines, not a count of them.
    assert_eq!(talker.next().now_or_never(), None);
    // ANCHOR_END: hub
    println!("hub:       the reader got {got:?}");

    // ANCHOR: broadcast
    // Overwrite the oldest and tell: one broadcast channel for the room. Every
    // receiver sees every line, the talker's own receiver included.
    let (room, mut talker_rx) = broadcast::channel::<(u64, String)>(2);
    let mut reader_rx = room.subscribe();
    for k in 1..=5 {
        room.send((1, k.to_string())).unwrap(); // never waits either
    }
    let drain = |rx: &mut broadcast::Receiver<(u64, String)>| {
        let mut got = Vec::new();
        loop {
            match rx.try_recv() {
                Ok((_, text)) => got.push(text),
                Err(TryRecvError::Lagged(n)) => got.push(format!("lagged {n}")),
                Err(_) => return got,
            }
        }
    };
    // The newest two were kept; the notice comes first.
    assert_eq!(drain(&mut reader_rx), ["lagged 3", "4", "5"]);
    // The talker's receiver lagged too, behind its own lines: skip them and
    // what is left is a count of lines it never was to receive.
    assert_eq!(drain(&mut talker_rx), ["lagged 3", "4", "5"]);
    // ANCHOR_END: broadcast
    println!("broadcast: the reader got lagged 3, 4, 5; so did the talker, about its own lines");
}
