//! The Shared state chapter, "The actor alternative": state owned by one
//! task, requests through a bounded `mpsc` mailbox, answers through
//! `oneshot` channels. A counter actor, then what each channel does at the
//! edges: a full mailbox, a caller that gave up, an actor that has ended.
//!
//! Time runs on tokio's paused clock, so every timestamp is exact and the
//! program takes no real time.

use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use tokio::time::{Instant, sleep, timeout};

const fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Whole milliseconds of virtual time since `start`.
fn ms_since(start: Instant) -> u64 {
    start.elapsed().as_millis() as u64
}

// ANCHOR: actor
/// A request, with the sender half of the channel its answer goes back on.
struct Add {
    amount: u64,
    reply: oneshot::Sender<u64>,
}

/// The actor: the total lives here and nowhere else. Each request takes it
/// 10 ms (a stand-in for real work).
async fn counter(mut mailbox: mpsc::Receiver<Add>) -> u64 {
    let mut total = 0;
    // `None` once every sender is dropped and the mailbox is empty.
    while let Some(Add { amount, reply }) = mailbox.recv().await {
        sleep(ms(10)).await;
        total += amount;
        // `Err` if the caller stopped waiting: nothing to do about it.
        let _ = reply.send(total);
    }
    total
}

/// The caller's side of one round trip. `None`: the actor is gone.
async fn add(mailbox: &mpsc::Sender<Add>, amount: u64) -> Option<u64> {
    let (reply, answer) = oneshot::channel();
    mailbox.send(Add { amount, reply }).await.ok()?;
    answer.await.ok()
}
// ANCHOR_END: actor

async fn round_trips_and_the_end() {
    // ANCHOR: round_trip
    let (mailbox, inbox) = mpsc::channel(2);
    let actor = tokio::spawn(counter(inbox));
    let other = mailbox.clone();
    assert_eq!(add(&mailbox, 5).await, Some(5));
    assert_eq!(add(&other, 7).await, Some(12));
    drop(mailbox);
    assert!(!actor.is_finished()); // `other` still holds the mailbox open
    drop(other);
    assert_eq!(actor.await.unwrap(), 12); // the last sender gone: it ends
    // ANCHOR_END: round_trip
    println!("round trips: 5, then 12; the actor ended with 12 when the last sender went");
}

async fn a_full_mailbox_holds_callers_back() {
    // ANCHOR: backpressure
    let start = Instant::now();
    let (mailbox, inbox) = mpsc::channel(2);
    let actor = tokio::spawn(counter(inbox));
    // Five callers at once; each notes when its request went in.
    let mut callers = Vec::new();
    for amount in 1..=5 {
        let mailbox = mailbox.clone();
        callers.push(tokio::spawn(async move {
            let (reply, answer) = oneshot::channel();
            mailbox.send(Add { amount, reply }).await.unwrap();
            let sent = ms_since(start);
            answer.await.unwrap();
            sent
        }));
    }
    let mut sent = Vec::new();
    for caller in callers {
        sent.push(caller.await.unwrap());
    }
    // The actor took the first at once, two more fit in the mailbox; then
    // each waited until the actor took one out (one every 10 ms).
    assert_eq!(sent, [0, 0, 0, 10, 20]);
    // ANCHOR_END: backpressure
    drop(mailbox);
    assert_eq!(actor.await.unwrap(), 15);
    println!("a mailbox of 2: requests went in at {sent:?} ms");
}

async fn a_caller_that_gives_up() {
    // ANCHOR: gave_up
    let (mailbox, inbox) = mpsc::channel(2);
    let actor = tokio::spawn(counter(inbox));
    // The actor needs 10 ms; this caller waits 5 and drops its call. The
    // request is in the mailbox already: the actor still adds the 5.
    assert!(timeout(ms(5), add(&mailbox, 5)).await.is_err());
    assert_eq!(add(&mailbox, 1).await, Some(6));
    // What the actor's `reply.send(total)` met: a receiver already gone.
    let (reply, answer) = oneshot::channel::<u64>();
    drop(answer);
    assert_eq!(reply.send(6), Err(6)); // the value comes back
    // ANCHOR_END: gave_up
    drop(mailbox);
    assert_eq!(actor.await.unwrap(), 6);
    println!("a caller gave up: its request was handled anyway, its answer went nowhere");
}

async fn a_send_dropped_while_it_waits_loses_its_request() {
    // ANCHOR: send_dropped
    let (mailbox, inbox) = mpsc::channel(1);
    let (reply, answer) = oneshot::channel();
    mailbox.try_send(Add { amount: 1, reply }).unwrap(); // now full
    let (late_reply, late_answer) = oneshot::channel();
    let late = Add {
        amount: 2,
        reply: late_reply,
    };
    // No room: `send` waits, and is dropped by the timeout while it waits.
    assert!(timeout(ms(5), mailbox.send(late)).await.is_err());
    // The request was moved into the `send` future, and dropped with it:
    // its reply sender too, so its caller would see `RecvError`.
    assert!(late_answer.await.is_err());
    // ANCHOR_END: send_dropped
    let actor = tokio::spawn(counter(inbox));
    assert_eq!(answer.await, Ok(1));
    drop(mailbox);
    assert_eq!(actor.await.unwrap(), 1);
    println!("a send dropped while it waited for room: its request was lost");
}

async fn after_the_end() {
    // ANCHOR: after_the_end
    let (mailbox, inbox) = mpsc::channel(4);
    let (reply, answer) = oneshot::channel();
    mailbox.send(Add { amount: 1, reply }).await.unwrap();
    // The actor ends (here: its receiver is dropped) with a request still in
    // its mailbox. The request is dropped with the mailbox, and with it the
    // reply sender: the caller's receiver gives `RecvError`.
    drop(inbox);
    assert!(answer.await.is_err());
    // A later send fails at once, and hands its message back.
    let (reply, _answer) = oneshot::channel();
    let refused = mailbox.send(Add { amount: 2, reply }).await.unwrap_err();
    assert_eq!(refused.0.amount, 2);
    // `closed()` completes once the receiver is gone: a way to wait for the
    // actor's end without sending anything.
    mailbox.closed().await;
    // ANCHOR_END: after_the_end
    println!("after the end: the queued request's answer is RecvError, a new send fails");
}

fn main() {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .expect("a tokio runtime")
        .block_on(async {
            round_trips_and_the_end().await;
            a_full_mailbox_holds_callers_back().await;
            a_caller_that_gives_up().await;
            a_send_dropped_while_it_waits_loses_its_request().await;
            after_the_end().await;
        });
}
