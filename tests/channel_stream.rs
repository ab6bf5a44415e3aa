//! Hidden suite for `channel_stream`: a channel receiver as a stream.
//!
//! Contract: `ReceiverStream` ends when every sender is gone; a `Pending` is
//! woken by the next send; after `close()` the buffered items still arrive,
//! then `None`; `into_inner` gives the receiver back. `batched(rx, size)`
//! yields each batch of `size` as soon as it is full and a last partial batch
//! when the channel closes (never because time passed), never an empty
//! batch, and panics at the call if `size == 0` with a message containing
//! "must be at least 1".
//!
//! The wake-up tests poll by hand on a mock task, which records whether the
//! stream's waker was woken: for `ReceiverStream` without a runtime (a tokio
//! channel does not need one), for `batched` on the paused clock (a batch
//! stream lives in a runtime). Every call into the learner's code runs under
//! the watchdog or the paused clock's guards.

// The code under test, compiled into this suite: your `exercises/src/channel_stream.rs`,
// or the reference solution with `cargo test --features solutions`.
#[cfg_attr(
    not(feature = "solutions"),
    path = "../exercises/src/channel_stream.rs"
)]
#[cfg_attr(feature = "solutions", path = "../solutions/src/channel_stream.rs")]
mod channel_stream;

use std::panic::{self, AssertUnwindSafe};
use std::task::Poll;
use std::time::Duration;

use channel_stream::{ReceiverStream, batched};
use futures::StreamExt;
use support::trace;
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep_until};
use tokio_test::task;

/// Sends `items` on `tx`, which must have room for them.
fn send_all<T: std::fmt::Debug>(tx: &mpsc::Sender<T>, items: impl IntoIterator<Item = T>) {
    for item in items {
        tx.try_send(item).expect("the test's channel has room");
    }
}

/// Runs a test that polls a `ReceiverStream` by hand (no runtime: a tokio
/// channel needs none) under the watchdog.
fn by_hand(body: impl FnOnce() + Send + 'static) {
    support::watchdog(
        "a call into ReceiverStream (`new`, `poll_next`, `close` or `into_inner`) never \
         returned. A poll must never wait: `Receiver::blocking_recv` (or a loop that waits \
         for an item) blocks the thread, and the thread that polls is the executor's, \
         which then runs nothing else. Return Pending instead, after `poll_recv(cx)` has \
         stored the waker, and let the next send wake the task.",
        body,
    );
}

/// Why a `batched` test may never finish.
const BATCHED_HUNG: &str = "the batch stream never finished. Does `batched` return at \
    once (the waiting belongs inside the stream, at `rx.recv().await`, never in \
    `batched` itself or as a blocking call), and does it end when every sender is gone?";

#[test]
fn yields_every_item_in_the_order_it_was_sent() {
    by_hand(|| {
        let (tx, rx) = mpsc::channel(8);
        send_all(&tx, [3, 1, 4, 1, 5]);
        drop(tx);
        let mut stream = task::spawn(trace(ReceiverStream::new(rx)));
        let mut items = Vec::new();
        while let Poll::Ready(Some(item)) = stream.poll_next() {
            items.push(item);
            assert!(
                items.len() <= 5,
                "yielded more items than were sent: {items:?}"
            );
        }
        assert_eq!(
            items,
            [3, 1, 4, 1, 5],
            "a ReceiverStream must yield every item sent, in the order it was sent, before it ends"
        );
    });
}

#[test]
fn is_pending_not_ended_while_a_sender_is_alive() {
    by_hand(|| {
        let (tx, rx) = mpsc::channel::<u32>(8);
        let mut stream = task::spawn(trace(ReceiverStream::new(rx)));
        let first = stream.poll_next();
        assert!(
            first.is_pending(),
            "the channel is empty but a sender is still alive, so more items may come: \
             poll_next must be Pending, got {first:?}. (None means \"this stream has ended\"; \
             an empty channel has not ended until every sender is gone. `try_recv` cannot \
             tell you when to try again: `poll_recv` can.)"
        );
        drop(tx);
    });
}

#[test]
fn a_pending_poll_is_woken_by_the_next_send() {
    by_hand(|| {
        let (tx, rx) = mpsc::channel(8);
        let mut stream = task::spawn(trace(ReceiverStream::new(rx)));
        assert!(
            stream.poll_next().is_pending(),
            "the channel is empty and open: poll_next should be Pending"
        );
        assert!(
            !stream.is_woken(),
            "poll_next returned Pending and woke its task at once, with nothing sent: a busy \
             loop. Pending should wait for the channel to wake the task."
        );
        send_all(&tx, [7]);
        assert!(
            stream.is_woken(),
            "poll_next returned Pending, then an item was sent, but the task was not woken: a \
             lost wake-up, so `.next().await` would hang forever. Returning Pending after a \
             failed `try_recv` registers no waker; `Receiver::poll_recv(cx)` stores \
             `cx.waker()` with the channel, and the next send wakes it."
        );
        assert_eq!(
            stream.poll_next(),
            Poll::Ready(Some(7)),
            "after the wake-up, the sent item should be ready"
        );
    });
}

#[test]
fn ends_when_every_sender_is_gone_and_stays_ended() {
    by_hand(|| {
        let (tx, rx) = mpsc::channel(8);
        let tx2 = tx.clone();
        send_all(&tx, [1]);
        let mut stream = task::spawn(trace(ReceiverStream::new(rx)));
        assert_eq!(stream.poll_next(), Poll::Ready(Some(1)));
        drop(tx);
        assert!(
            stream.poll_next().is_pending(),
            "one sender was dropped but a clone of it is still alive: the stream must not end yet"
        );
        drop(tx2);
        assert!(
            stream.is_woken(),
            "the stream was Pending and the last sender was dropped, but the task was not \
             woken: whoever awaits the stream would never learn that it ended (a lost \
             wake-up). `poll_recv(cx)` arranges that wake-up for you."
        );
        for poll in 1..=3 {
            assert_eq!(
                stream.poll_next(),
                Poll::Ready(None),
                "poll {poll} after every sender was dropped: the stream should have ended (None)"
            );
        }
    });
}

#[test]
fn after_close_buffered_items_still_arrive_then_none() {
    by_hand(|| {
        let (tx, rx) = mpsc::channel(8);
        send_all(&tx, [1, 2]);
        let mut stream = task::spawn(trace(ReceiverStream::new(rx)));
        stream.enter(|_, mut stream| stream.as_mut().get_mut().close());
        assert!(
            tx.try_send(3).is_err(),
            "after close(), sending must fail: close() should close the channel itself \
             (`Receiver::close`), so that senders learn that nobody will read what they send"
        );
        let mut items = Vec::new();
        loop {
            match stream.poll_next() {
                Poll::Ready(Some(item)) => items.push(item),
                Poll::Ready(None) => break,
                Poll::Pending => panic!(
                    "after close(), the stream was Pending with {items:?} received, though a \
                     closed channel can receive nothing more: it should yield what was \
                     buffered, then None (even though a sender is still alive)"
                ),
            }
            assert!(
                items.len() <= 2,
                "yielded more items than were sent: {items:?}"
            );
        }
        assert_eq!(
            items,
            [1, 2],
            "close() stops new sends, but the items already in the buffer must still arrive \
             before None. (Dropping the receiver would lose them.)"
        );
        drop(tx);
    });
}

#[test]
fn into_inner_gives_the_receiver_back_with_what_it_holds() {
    by_hand(|| {
        let (tx, rx) = mpsc::channel(8);
        send_all(&tx, [1, 2, 3]);
        let mut stream = task::spawn(trace(ReceiverStream::new(rx)));
        assert_eq!(stream.poll_next(), Poll::Ready(Some(1)));
        let mut rx = stream.into_inner().into_inner().into_inner();
        assert_eq!(
            rx.try_recv().ok(),
            Some(2),
            "into_inner should give back the very receiver the stream wrapped, with the items \
             it has not yielded yet"
        );
        send_all(&tx, [4]);
        assert_eq!(rx.try_recv().ok(), Some(3));
        assert_eq!(
            rx.try_recv().ok(),
            Some(4),
            "the receiver from into_inner should still be connected to the senders"
        );
    });
}

#[test]
fn composes_with_stream_ext_adapters() {
    let picked: Vec<u32> = support::paused(
        "collecting `ReceiverStream.map(..).filter(..).take(3)` never finished",
        || async {
            let (tx, rx) = mpsc::channel(2);
            tokio::spawn(async move {
                for n in 1..=100 {
                    // Stops when the stream (and so the receiver) is dropped.
                    if tx.send(n).await.is_err() {
                        break;
                    }
                }
            });
            trace(ReceiverStream::new(rx))
                .map(|n| n * 10)
                .filter(|n| std::future::ready(n % 3 == 0))
                .take(3)
                .collect()
                .await
        },
    );
    assert_eq!(
        picked,
        [30, 60, 90],
        "ReceiverStream is a Stream, so StreamExt's adapters apply: \
         map(×10), filter(multiple of 3), take(3) of 1..=100 should give [30, 60, 90]"
    );
}

#[test]
fn delivers_every_item_from_several_producer_threads() {
    let producers = 4;
    let per_producer = 2_000;
    let received: Vec<(usize, usize)> = support::multi_thread(
        "receiving 8000 items from 4 producers never finished. Does the stream end \
         when the last sender is dropped, and wake its task on every send?",
        2,
        move || async move {
            let (tx, rx) = mpsc::channel(16);
            for producer in 0..producers {
                let tx = tx.clone();
                tokio::spawn(async move {
                    for n in 0..per_producer {
                        tx.send((producer, n)).await.expect("the stream is alive");
                    }
                });
            }
            drop(tx);
            trace(ReceiverStream::new(rx)).collect().await
        },
    );
    assert_eq!(
        received.len(),
        producers * per_producer,
        "every item sent must be yielded exactly once before the stream ends"
    );
    for producer in 0..producers {
        let from_one: Vec<usize> = received
            .iter()
            .filter(|(p, _)| *p == producer)
            .map(|(_, n)| *n)
            .collect();
        assert!(
            from_one.iter().copied().eq(0..per_producer),
            "the items of one producer must arrive in the order it sent them"
        );
    }
}

#[test]
fn batched_yields_a_batch_as_soon_as_it_is_full() {
    support::paused(BATCHED_HUNG, || async {
        let (tx, rx) = mpsc::channel(8);
        let mut batches = task::spawn(trace(batched(rx, 3)));
        send_all(&tx, [1, 2, 3, 4]);
        assert_eq!(
            batches.poll_next(),
            Poll::Ready(Some(vec![1, 2, 3])),
            "3 items of a batch of 3 were sent (and a 4th): the full batch should be yielded \
             at once, without waiting for the channel to close"
        );
        assert!(
            batches.poll_next().is_pending(),
            "after the first batch, only 1 item is waiting and the channel is open: the next \
             batch is not full yet, so the stream should be Pending"
        );
        drop(tx);
    });
}

#[test]
fn batched_waits_for_a_full_batch_and_is_woken_by_sends() {
    support::paused(BATCHED_HUNG, || async {
        let (tx, rx) = mpsc::channel(8);
        let mut batches = task::spawn(trace(batched(rx, 3)));
        assert!(
            batches.poll_next().is_pending(),
            "nothing sent yet: Pending"
        );
        send_all(&tx, [1]);
        assert!(
            batches.is_woken(),
            "the batch stream was Pending and an item was sent, but its task was not woken: \
             a lost wake-up. Receive with `rx.recv().await` inside `stream!`, which wakes \
             the stream's task when an item arrives."
        );
        let polled = batches.poll_next();
        assert!(
            polled.is_pending(),
            "1 item of a batch of 3 arrived and the channel is still open: keep it and wait \
             for more (Pending), don't yield a partial batch yet. Got {polled:?}"
        );
        send_all(&tx, [2, 3]);
        assert!(
            batches.is_woken(),
            "items were sent: the task should have been woken"
        );
        assert_eq!(batches.poll_next(), Poll::Ready(Some(vec![1, 2, 3])));
        drop(tx);
    });
}

#[test]
fn batched_yields_the_last_partial_batch_when_the_channel_closes() {
    let (tx, rx) = mpsc::channel(8);
    send_all(&tx, 1..=7);
    drop(tx);
    let all: Vec<Vec<u32>> = support::paused(
        "collecting the batches of a closed channel never finished",
        move || trace(batched(rx, 3)).collect(),
    );
    assert_eq!(
        all,
        [vec![1, 2, 3], vec![4, 5, 6], vec![7]],
        "7 items in batches of 3: two full batches, then, when every sender is gone, the \
         1 item left over as a last batch (not lost, not padded)"
    );
}

#[test]
fn batched_never_yields_an_empty_batch() {
    let (tx, rx) = mpsc::channel(8);
    send_all(&tx, 1..=6);
    drop(tx);
    let all: Vec<Vec<u32>> = support::paused(
        "collecting the batches of a closed channel never finished",
        move || trace(batched(rx, 3)).collect(),
    );
    assert_eq!(
        all,
        [vec![1, 2, 3], vec![4, 5, 6]],
        "6 items in batches of 3 make exactly two batches: when the channel closes with \
         nothing left over, yield no last batch (never an empty Vec)"
    );

    let (tx, rx) = mpsc::channel::<u32>(8);
    drop(tx);
    let none: Vec<Vec<u32>> = support::paused(
        "batching an empty, closed channel never finished",
        move || trace(batched(rx, 3)).collect(),
    );
    assert!(
        none.is_empty(),
        "a channel that closes without sending anything gives no batches at all, got {none:?}"
    );
}

#[test]
fn batched_holds_a_partial_batch_until_it_is_full_or_the_channel_closes() {
    let timeline = support::paused(BATCHED_HUNG, || async {
        let start = Instant::now();
        let since_start = move || (Instant::now() - start).as_millis() as u64;
        let (tx, rx) = mpsc::channel(8);
        tokio::spawn(async move {
            // A batch of 3 that fills slowly, then one item left over.
            for (at, item) in [(0, 1), (1_000, 2), (60_000, 3), (60_000, 4)] {
                sleep_until(start + Duration::from_millis(at)).await;
                tx.send(item).await.expect("the batch stream is alive");
            }
            sleep_until(start + Duration::from_millis(120_000)).await;
            // The channel closes here, when `tx` is dropped.
        });
        trace(batched(rx, 3))
            .map(|batch| (since_start(), batch))
            .collect::<Vec<_>>()
            .await
    });
    assert_eq!(
        timeline,
        [(60_000, vec![1, 2, 3]), (120_000, vec![4])],
        "items sent at 0, 1 000, 60 000 and 60 000 ms, batches of 3, and the channel closed \
         at 120 000 ms (virtual ms on the paused clock; got (ms, batch) pairs): the first \
         batch goes out when it is full, at 60 000 ms, and the item left over when the \
         channel closes, at 120 000 ms. A partial batch waits for as long as the channel \
         stays open; it never goes out because time passed (a timeout, such as \
         `chunks_timeout` has, is not part of this contract)."
    );
}

#[test]
fn batched_with_size_zero_panics_at_the_call() {
    support::paused(BATCHED_HUNG, || async {
        let (_tx, rx) = mpsc::channel::<u32>(8);
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
            let _never_polled = batched(rx, 0);
        }));
        let payload = match outcome {
            Ok(()) => panic!(
                "batched(rx, 0) returned a stream; a batch size of 0 makes no sense (no batch \
                 could ever be full), so it should panic at the call, with a message saying the \
                 size must be at least 1. Code inside `stream!` runs only when the stream is \
                 first polled: check `size` before it."
            ),
            Err(payload) => support::unless_todo(payload),
        };
        let message = support::panic_message(&*payload);
        assert!(
            message.contains("must be at least 1"),
            "batched(rx, 0) panicked, but its message {message:?} should say the size \
             \"must be at least 1\", so the caller learns what was wrong"
        );
    });
}

#[test]
fn batched_loses_and_reorders_nothing() {
    let batches: Vec<Vec<u32>> = support::multi_thread(
        "batching 1000 items from a producer task never finished",
        2,
        || async {
            let (tx, rx) = mpsc::channel(5);
            tokio::spawn(async move {
                for n in 0..1000 {
                    tx.send(n).await.expect("the batch stream is alive");
                }
            });
            trace(batched(rx, 7)).collect().await
        },
    );
    let (last, full) = batches.split_last().expect("at least one batch");
    for (index, batch) in full.iter().enumerate() {
        assert_eq!(batch.len(), 7, "batch {index} is not full: {batch:?}");
    }
    assert_eq!(
        last.len(),
        1000 % 7,
        "the last batch holds what is left: {last:?}"
    );
    assert!(
        batches.concat().into_iter().eq(0..1000),
        "the batches, joined, must be exactly the items sent, in order"
    );
}
