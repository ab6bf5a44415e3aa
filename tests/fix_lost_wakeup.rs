//! Hidden suite for `fix_lost_wakeup`: a priority merge of two channels.
//!
//! Contract: `PriorityInbox::new(urgent, normal)` yields an urgent item
//! whenever one is waiting, otherwise a normal one; while both channels are
//! empty and at least one is open it is `Pending`, and a send on either (or
//! the end of both) wakes it; it ends when both are closed and empty.
//!
//! Every test here fails on the bug in the stub: each one needs a wake-up.
//! The tests that poll by hand run under the watchdog.

// The code under test, compiled into this suite: your `exercises/src/fix_lost_wakeup.rs`,
// or the reference solution with `cargo test --features solutions`.
#[cfg_attr(
    not(feature = "solutions"),
    path = "../exercises/src/fix_lost_wakeup.rs"
)]
#[cfg_attr(feature = "solutions", path = "../solutions/src/fix_lost_wakeup.rs")]
mod fix_lost_wakeup;

use std::task::Poll;

use fix_lost_wakeup::PriorityInbox;
use futures::StreamExt;
use support::trace;
use tokio::sync::mpsc;
use tokio_test::task;

const LOST: &str = "returned Pending, then got something to say, but its task was not \
    woken: a lost wake-up, and a consumer awaiting it sleeps forever. `try_recv` only \
    looks; it does not register a waker. `Receiver::poll_recv(cx)` looks and, if the \
    channel is empty, stores `cx.waker()` so the next send wakes the task. Poll both \
    channels that way before returning Pending.";

/// Runs a test that polls the inbox by hand (no runtime: tokio's channels need
/// none) under the watchdog.
fn by_hand(body: impl FnOnce() + Send + 'static) {
    support::watchdog(
        "a call into PriorityInbox (`poll_next`) never returned. A poll must never wait \
         for an item: `blocking_recv` (or a loop that waits) blocks the thread, and the \
         thread that polls is the executor's. Return Pending after `poll_recv(cx)` on \
         both channels, and let a send wake the task.",
        body,
    );
}

#[test]
fn urgent_items_go_first_whenever_one_is_waiting() {
    by_hand(|| {
        let (urgent_tx, urgent) = mpsc::channel(8);
        let (normal_tx, normal) = mpsc::channel(8);
        let mut inbox = task::spawn(trace(PriorityInbox::new(urgent, normal)));
        assert!(
            inbox.poll_next().is_pending(),
            "both channels are empty: Pending"
        );
        for item in ["normal 1", "normal 2", "normal 3"] {
            normal_tx.try_send(item).unwrap();
        }
        for item in ["urgent 1", "urgent 2"] {
            urgent_tx.try_send(item).unwrap();
        }
        assert!(inbox.is_woken(), "items arrived and the inbox {LOST}");
        let mut got = Vec::new();
        for _ in 0..3 {
            match inbox.poll_next() {
                Poll::Ready(Some(item)) => got.push(item),
                other => panic!("items are waiting: expected one, got {other:?}"),
            }
        }
        // One more urgent item arrives while normal ones are still waiting.
        urgent_tx.try_send("urgent 3").unwrap();
        for _ in 0..3 {
            match inbox.poll_next() {
                Poll::Ready(Some(item)) => got.push(item),
                other => panic!("items are waiting: expected one, got {other:?}"),
            }
        }
        assert_eq!(
            got,
            [
                "urgent 1", "urgent 2", "normal 1", "urgent 3", "normal 2", "normal 3"
            ],
            "three normal and two urgent items were waiting, and a third urgent one came \
             after three items had gone out: an urgent item goes out whenever one is \
             waiting, before any normal one. Look at the urgent channel first on every \
             poll (taking turns between the channels, as `futures::stream::select` does, \
             is fair, but it is not a priority)."
        );
        drop((urgent_tx, normal_tx));
    });
}

#[test]
fn a_send_on_the_normal_channel_wakes_a_pending_inbox() {
    by_hand(|| {
        let (_urgent_tx, urgent) = mpsc::channel::<u32>(4);
        let (normal_tx, normal) = mpsc::channel(4);
        let mut inbox = task::spawn(trace(PriorityInbox::new(urgent, normal)));
        assert!(
            inbox.poll_next().is_pending(),
            "both channels are empty: Pending"
        );
        assert!(
            !inbox.is_woken(),
            "the inbox returned Pending and woke its own task at once, with nothing sent: a \
             busy loop. The executor polls it again immediately, over and over, burning a CPU \
             core while the channels stay empty. Instead of waking yourself, let the channels \
             do it: `poll_recv(cx)` stores the waker and a send wakes the task."
        );
        normal_tx.try_send(1).unwrap();
        assert!(inbox.is_woken(), "the inbox {LOST}");
        assert_eq!(inbox.poll_next(), Poll::Ready(Some(1)));
    });
}

#[test]
fn a_send_on_the_urgent_channel_wakes_a_pending_inbox() {
    by_hand(|| {
        let (urgent_tx, urgent) = mpsc::channel(4);
        let (_normal_tx, normal) = mpsc::channel::<u32>(4);
        let mut inbox = task::spawn(trace(PriorityInbox::new(urgent, normal)));
        assert!(
            inbox.poll_next().is_pending(),
            "both channels are empty: Pending"
        );
        urgent_tx.try_send(1).unwrap();
        assert!(
            inbox.is_woken(),
            "an urgent item arrived and the inbox {LOST} (Both channels need the waker: \
             polling the normal one alone is not enough.)"
        );
        assert_eq!(inbox.poll_next(), Poll::Ready(Some(1)));
    });
}

#[test]
fn the_end_of_both_channels_wakes_a_pending_inbox() {
    by_hand(|| {
        let (urgent_tx, urgent) = mpsc::channel::<u32>(4);
        let (normal_tx, normal) = mpsc::channel::<u32>(4);
        let mut inbox = task::spawn(trace(PriorityInbox::new(urgent, normal)));
        assert!(
            inbox.poll_next().is_pending(),
            "both channels are empty: Pending"
        );
        drop(normal_tx);
        drop(urgent_tx);
        assert!(
            inbox.is_woken(),
            "both channels closed while the inbox was Pending, and it was not woken to say \
             so: its consumer never learns that the stream has ended. The waker that \
             `poll_recv` stores is woken when the last sender goes, too."
        );
        assert_eq!(inbox.poll_next(), Poll::Ready(None), "then it ends");
        assert_eq!(inbox.poll_next(), Poll::Ready(None), "and stays ended");
    });
}

#[test]
fn after_one_channel_ends_the_other_still_delivers() {
    by_hand(|| {
        let (urgent_tx, urgent) = mpsc::channel(4);
        let (normal_tx, normal) = mpsc::channel::<u32>(4);
        let mut inbox = task::spawn(trace(PriorityInbox::new(urgent, normal)));
        assert!(
            inbox.poll_next().is_pending(),
            "both channels are empty: Pending"
        );
        drop(normal_tx);
        let polled = inbox.poll_next();
        assert!(
            polled.is_pending(),
            "the normal channel ended but the urgent one is still open: the inbox has not \
             ended (got {polled:?}). It ends only when both channels have."
        );
        urgent_tx.try_send(9).unwrap();
        assert!(
            inbox.is_woken(),
            "an urgent item arrived and the inbox {LOST}"
        );
        assert_eq!(inbox.poll_next(), Poll::Ready(Some(9)));
    });
}

#[test]
fn an_awaiting_consumer_gets_urgent_items_first() {
    let received = support::paused(
        "the consumer awaiting the inbox never finished, though items were sent and \
         both senders were dropped. Return Pending only after `poll_recv(cx)` on both \
         channels",
        || async {
            let (urgent_tx, urgent) = mpsc::channel(8);
            let (normal_tx, normal) = mpsc::channel(8);
            tokio::spawn(async move {
                let ms = tokio::time::Duration::from_millis;
                tokio::time::sleep(ms(10)).await;
                normal_tx.send("normal 1").await.unwrap();
                tokio::time::sleep(ms(10)).await;
                // Both at once: the urgent one must come first.
                normal_tx.send("normal 2").await.unwrap();
                urgent_tx.send("urgent 1").await.unwrap();
                tokio::time::sleep(ms(10)).await;
                urgent_tx.send("urgent 2").await.unwrap();
            });
            trace(PriorityInbox::new(urgent, normal))
                .collect::<Vec<_>>()
                .await
        },
    );
    assert_eq!(
        received,
        ["normal 1", "urgent 1", "normal 2", "urgent 2"],
        "items sent over time should all arrive, an urgent item before a normal one \
         that is waiting at the same time, and the stream should end when both \
         senders are gone"
    );
}
