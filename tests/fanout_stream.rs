//! Hidden suite for `fanout_stream`: one source, many bounded receivers.
//!
//! Contract: each `Some(())` means one source item was delivered to every
//! receiver still alive; every live receiver gets every item exactly once, in
//! order; while a live receiver it must deliver to is full, the stream is
//! `Pending` and is woken when that receiver makes room (receivers may be
//! served one after another); the slowest consumer sets the pace; a dropped
//! receiver is skipped from then on and never stalls the others; when the
//! source ends, the senders are dropped at once (receivers see the end while
//! the `FanoutStream` still exists) and it yields `None`; with no live receiver
//! left it yields `None` without pulling more from the source; `FanoutStream<T>`
//! is `Send` and `Unpin` whenever `T` is.
//!
//! The wake-up tests drive the stream by hand on a mock task, without a
//! runtime (tokio's channels do not need one), so every wake-up is visible;
//! they run under the watchdog, so a poll that blocks fails instead of hanging.

// The code under test, compiled into this suite: your `exercises/src/fanout_stream.rs`,
// or the reference solution with `cargo test --features solutions`.
#[cfg_attr(not(feature = "solutions"), path = "../exercises/src/fanout_stream.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/src/fanout_stream.rs")]
mod fanout_stream;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::time::Duration;

use fanout_stream::FanoutStream;
use futures::{Stream, StreamExt, stream};
use support::{Dropped, trace};
use tokio::sync::mpsc::Receiver;
use tokio::sync::mpsc::error::TryRecvError;
use tokio_test::task;

/// Runs a test that polls the stream by hand (no runtime: tokio's channels
/// need none) under the watchdog.
fn by_hand(body: impl FnOnce() + Send + 'static) {
    support::watchdog(
        "a call into FanoutStream (`poll_next`, or dropping it) never returned. A poll \
         must never wait for room: `blocking_send` (or `block_on(tx.send(..))`) blocks \
         the thread until the receiver makes room, and the thread that polls is the \
         executor's, which then runs nothing else (not even that receiver, if it is a \
         task). Ask for room with `PollSender::poll_reserve(cx)`: it returns Pending \
         after storing the waker, and the receiver's next `recv` wakes the stream.",
        body,
    );
}

/// Everything `rx` holds right now, and whether its channel has ended.
fn drain(rx: &mut Receiver<u32>) -> (Vec<u32>, bool) {
    let mut items = Vec::new();
    loop {
        match rx.try_recv() {
            Ok(item) => items.push(item),
            Err(TryRecvError::Empty) => return (items, false),
            Err(TryRecvError::Disconnected) => return (items, true),
        }
    }
}

/// A source of `0..count` that counts how many items were pulled from it.
fn counted_source(count: u32) -> (impl Stream<Item = u32> + Send + 'static, Arc<AtomicUsize>) {
    let pulls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&pulls);
    let source = stream::iter(0..count).inspect(move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    (source, pulls)
}

#[test]
fn every_receiver_gets_every_item_once_in_order_at_any_speed() {
    let items = 300;
    let (received, delivered) = support::paused(
        "the fan-out or its consumers never finished (do the receivers see the end \
         of the stream?)",
        move || async move {
            let (fanout, receivers) = FanoutStream::new(stream::iter(0..items), 4, 2);
            let mut fanout = trace(fanout);
            // Consumer k takes k ms per item (consumer 0 as fast as it can).
            let consumers: Vec<_> = receivers
                .into_iter()
                .enumerate()
                .map(|(k, mut rx)| {
                    tokio::spawn(async move {
                        let mut got = Vec::new();
                        while let Some(item) = rx.recv().await {
                            got.push(item);
                            tokio::time::sleep(Duration::from_millis(k as u64)).await;
                        }
                        got
                    })
                })
                .collect();
            let mut delivered = 0;
            while fanout.next().await.is_some() {
                delivered += 1;
            }
            let mut received = Vec::new();
            for consumer in consumers {
                received.push(consumer.await.expect("a consumer panicked"));
            }
            (received, delivered)
        },
    );
    for (k, got) in received.iter().enumerate() {
        if !got.iter().copied().eq(0..items) {
            let first_wrong = got
                .iter()
                .zip(0..)
                .position(|(&got, want)| got != want)
                .unwrap_or(got.len().min(items as usize));
            panic!(
                "receiver {k} (taking {k} ms per item, buffers of 2) got {} items; expected \
                 0..{items}, each exactly once, in order. From position {first_wrong} it got \
                 {:?}. An item lost, sent twice or out of order usually means the stream \
                 forgot where it was when a full receiver made it return Pending: keep the \
                 item and which receivers already have it.",
                got.len(),
                &got[first_wrong..(first_wrong + 5).min(got.len())]
            );
        }
    }
    assert_eq!(
        delivered, items,
        "the stream should yield Some(()) once per source item ({items}), then None"
    );
}

#[test]
fn a_full_receiver_holds_the_stream_until_it_takes_an_item() {
    by_hand(|| {
        let (fanout, mut receivers) = FanoutStream::new(stream::iter(0..10), 2, 2);
        let mut fanout = task::spawn(trace(fanout));
        let mut slow = receivers.pop().unwrap();
        let mut fast = receivers.pop().unwrap();
        let mut fast_got = Vec::new();

        for item in 0..2 {
            assert_eq!(
                fanout.poll_next(),
                Poll::Ready(Some(())),
                "item {item}: both receivers have room (buffers of 2), so it should be \
                 delivered at once"
            );
            fast_got.extend(drain(&mut fast).0);
        }
        let third = fanout.poll_next();
        assert!(
            third.is_pending(),
            "item 2: the slow receiver's buffer of 2 is full, so the stream cannot deliver it \
             and must return Pending (the slowest consumer sets the pace). Got {third:?}: was \
             the item dropped or sent to some receivers only?"
        );
        fast_got.extend(drain(&mut fast).0);
        assert!(
            !fanout.is_woken(),
            "the stream returned Pending and woke itself at once, though the slow receiver is \
             still full: a busy loop that polls again and again until it makes room. Wait for \
             the channel to wake you instead."
        );

        assert_eq!(
            slow.try_recv().ok(),
            Some(0),
            "the slow receiver's first item"
        );
        assert!(
            fanout.is_woken(),
            "the full receiver took an item, making room, but the stream's task was not \
             woken: a lost wake-up, so the fan-out would stall forever. `try_send` reports \
             Full and registers nothing; ask for room with `PollSender::poll_reserve(cx)`, \
             which stores `cx`'s waker with the channel."
        );
        assert_eq!(
            fanout.poll_next(),
            Poll::Ready(Some(())),
            "woken because the slow receiver made room: item 2 should now reach it"
        );
        fast_got.extend(drain(&mut fast).0);
        assert_eq!(
            fast_got,
            [0, 1, 2],
            "the fast receiver should have items 0, 1 and 2, each exactly once. An item that \
             reached some receivers before the stream returned Pending must not be sent to them \
             again when it resumes."
        );
        assert_eq!(drain(&mut slow).0, [1, 2], "the slow receiver's next items");
    });
}

#[test]
fn an_item_delivered_before_a_pending_is_not_sent_again() {
    by_hand(|| {
        // Three receivers; the middle one is slow. Whatever order the stream
        // serves them in, nobody may get an item twice.
        let (fanout, mut receivers) = FanoutStream::new(stream::iter(0..20), 3, 1);
        let mut fanout = task::spawn(trace(fanout));
        let mut got: Vec<Vec<u32>> = vec![Vec::new(); 3];
        let mut slow_reads = 0;
        for _ in 0..200 {
            match fanout.poll_next() {
                Poll::Ready(Some(())) => {}
                Poll::Ready(None) => break,
                Poll::Pending => {
                    // Fast receivers read everything; the slow one reads one item.
                    for k in [0, 2] {
                        got[k].extend(drain(&mut receivers[k]).0);
                    }
                    if !fanout.is_woken()
                        && let Ok(item) = receivers[1].try_recv()
                    {
                        got[1].push(item);
                        slow_reads += 1;
                    }
                }
            }
        }
        for (k, rx) in receivers.iter_mut().enumerate() {
            got[k].extend(drain(rx).0);
        }
        assert!(
            slow_reads > 0,
            "the slow receiver should have held the stream back"
        );
        for (k, got) in got.iter().enumerate() {
            assert!(
                got.iter().copied().eq(0..20),
                "receiver {k} got {got:?}; expected 0..20, each exactly once, in order. When a \
                 full receiver makes the stream return Pending, remember which receivers already \
                 have the current item, and on the next poll continue with the others."
            );
        }
    });
}

#[test]
fn a_dropped_receiver_never_stalls_the_others() {
    by_hand(|| {
        // Dropped before the start.
        let (fanout, mut receivers) = FanoutStream::new(stream::iter(0..30), 3, 1);
        drop(receivers.remove(1));
        let mut fanout = task::spawn(trace(fanout));
        let mut got = [Vec::new(), Vec::new()];
        for _ in 0..200 {
            match fanout.poll_next() {
                Poll::Ready(Some(())) => {}
                Poll::Ready(None) => break,
                Poll::Pending => {
                    for (k, rx) in receivers.iter_mut().enumerate() {
                        got[k].extend(drain(rx).0);
                    }
                    assert!(
                        fanout.is_woken(),
                        "receiver 1 was dropped and the others read everything they had, yet the \
                         stream stayed Pending and was not woken. Either it waits for the dropped \
                         receiver (a dropped receiver is gone for good: when sending to it fails, \
                         skip it from then on), or a full live receiver's wake-up was lost (after \
                         `try_send` says Full, nothing will wake the task; `poll_reserve(cx)` \
                         registers the waker with the channel)."
                    );
                }
            }
        }
        for (k, rx) in receivers.iter_mut().enumerate() {
            got[k].extend(drain(rx).0);
            assert!(
                got[k].iter().copied().eq(0..30),
                "a live receiver got {:?}; with one receiver dropped, the others must still get \
                 every item (0..30) in order",
                got[k]
            );
        }

        // Dropped while the stream waits for it to make room.
        let (fanout, mut receivers) = FanoutStream::new(stream::iter(0..30), 2, 1);
        let mut fanout = task::spawn(trace(fanout));
        let full = receivers.pop().unwrap();
        let mut live = receivers.pop().unwrap();
        assert_eq!(fanout.poll_next(), Poll::Ready(Some(())));
        let _ = drain(&mut live);
        assert!(
            fanout.poll_next().is_pending(),
            "receiver 1 is full (buffer of 1): Pending"
        );
        drop(full);
        assert!(
            fanout.is_woken(),
            "the stream was waiting for receiver 1 to make room, and receiver 1 was dropped: \
             the channel wakes whoever waits on it when it closes, but the stream's task was \
             not woken, so it would wait forever"
        );
        let mut live_got = vec![0];
        for _ in 0..100 {
            match fanout.poll_next() {
                Poll::Ready(Some(())) => live_got.extend(drain(&mut live).0),
                Poll::Ready(None) => break,
                Poll::Pending => {
                    live_got.extend(drain(&mut live).0);
                    assert!(
                        fanout.is_woken(),
                        "Pending with the dropped receiver skipped and the live one drained: \
                         nothing will wake the stream"
                    );
                }
            }
        }
        live_got.extend(drain(&mut live).0);
        assert!(
            live_got.iter().copied().eq(0..30),
            "after receiver 1 was dropped mid-stream, receiver 0 should still get every item \
             (0..30) in order; got {live_got:?}"
        );
    });
}

#[test]
fn when_the_source_ends_every_receiver_sees_the_end() {
    by_hand(|| {
        let (fanout, mut receivers) = FanoutStream::new(stream::iter(0..3), 3, 4);
        let mut fanout = task::spawn(trace(fanout));
        for item in 0..3 {
            assert_eq!(
                fanout.poll_next(),
                Poll::Ready(Some(())),
                "item {item} of 3, with room everywhere"
            );
        }
        assert_eq!(
            fanout.poll_next(),
            Poll::Ready(None),
            "the source has ended: the fan-out should end too (None)"
        );
        // The FanoutStream still exists here.
        for (k, rx) in receivers.iter_mut().enumerate() {
            let (items, ended) = drain(rx);
            assert_eq!(items, [0, 1, 2], "receiver {k}'s items");
            assert!(
                ended,
                "the source ended and the stream returned None, but receiver {k} cannot see the \
                 end: its channel is still open because the FanoutStream still holds its sender. \
                 Drop the senders when the source ends (for example `self.sinks.clear()`), not \
                 only when the FanoutStream itself is dropped."
            );
        }
        assert_eq!(
            fanout.poll_next(),
            Poll::Ready(None),
            "after the end, the stream stays ended"
        );
    });
}

#[test]
fn with_every_receiver_gone_it_ends_without_pulling_more_items() {
    by_hand(|| {
        let (source, pulls) = counted_source(100);
        let (fanout, receivers) = FanoutStream::new(source, 2, 1);
        let mut fanout = task::spawn(trace(fanout));
        drop(receivers);
        assert_eq!(
            fanout.poll_next(),
            Poll::Ready(None),
            "every receiver was dropped before the first poll: nobody can get an item, so the \
             stream should end (None)"
        );
        assert_eq!(
            pulls.load(Ordering::SeqCst),
            0,
            "with every receiver gone, the stream pulled an item from the source anyway; it \
             would be thrown away. Check for live receivers before you pull (a sender's \
             `is_closed()` says whether its receiver is gone)."
        );

        let (source, pulls) = counted_source(100);
        let (fanout, receivers) = FanoutStream::new(source, 2, 1);
        let mut fanout = task::spawn(trace(fanout));
        assert_eq!(fanout.poll_next(), Poll::Ready(Some(())));
        drop(receivers);
        let pulled_before = pulls.load(Ordering::SeqCst);
        let after = fanout.poll_next();
        assert!(
            after == Poll::Ready(None) || after == Poll::Ready(Some(())),
            "both receivers were dropped: the stream should end, got {after:?}"
        );
        if after == Poll::Ready(Some(())) {
            // An item fetched early was "delivered" to nobody; now it must end.
            assert_eq!(fanout.poll_next(), Poll::Ready(None), "then it should end");
        }
        assert!(
            pulls.load(Ordering::SeqCst) <= pulled_before.max(2),
            "after every receiver was dropped, the stream went on pulling from the source \
             ({} items pulled in all). Stop pulling once nobody is left to deliver to.",
            pulls.load(Ordering::SeqCst)
        );
        assert_eq!(fanout.poll_next(), Poll::Ready(None), "and stay ended");
    });
}

#[test]
fn the_slowest_consumer_sets_the_pace() {
    let (finished_at, fast_got) = support::paused(
        "the fan-out with one slow consumer never finished",
        || async {
            let start = tokio::time::Instant::now();
            let (fanout, mut receivers) = FanoutStream::new(stream::iter(0..20), 2, 2);
            let mut slow = receivers.pop().unwrap();
            let mut fast = receivers.pop().unwrap();
            tokio::spawn(async move {
                // One item every 10 ms.
                loop {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    if slow.recv().await.is_none() {
                        break;
                    }
                }
            });
            let fast_consumer = tokio::spawn(async move {
                let mut got = Vec::new();
                while let Some(item) = fast.recv().await {
                    got.push(item);
                }
                got
            });
            trace(fanout).for_each(|()| async {}).await;
            let finished_at = start.elapsed();
            (finished_at, fast_consumer.await.unwrap())
        },
    );
    assert!(
        fast_got.iter().copied().eq(0..20),
        "the fast consumer got {fast_got:?}; expected every item 0..20 once, in order"
    );
    // The slow consumer takes item k at (k + 1) * 10 ms. The last item fits in
    // its buffer of 2 once it has taken item 17: at 180 ms.
    let ms = finished_at.as_millis();
    assert!(
        (170..=200).contains(&ms),
        "20 items, buffers of 2, and one consumer taking an item every 10 ms: the fan-out \
         can only finish once the slow consumer has made room for the last item, at about \
         180 ms of virtual time; it finished at {ms} ms. Sooner means items were dropped \
         or the buffer was not respected; later means the stream waited longer than it had to."
    );
}

#[test]
fn is_send_and_unpin_and_exact_on_a_multi_thread_runtime() {
    fn assert_send_unpin<T: Send + Unpin>(_: &T) {}
    let items = 5_000;
    let consumers = 4;
    let received = support::multi_thread(
        "a fan-out of 5000 items to 4 consumers on a multi-thread runtime never finished: \
         a lost wake-up somewhere?",
        2,
        move || async move {
            let (fanout, receivers) = FanoutStream::new(stream::iter(0..items), consumers, 3);
            // Compiles only if `FanoutStream<u32>` is `Send + Unpin`.
            assert_send_unpin(&fanout);
            let handles: Vec<_> = receivers
                .into_iter()
                .map(|mut rx| {
                    tokio::spawn(async move {
                        let mut got = Vec::with_capacity(items as usize);
                        while let Some(item) = rx.recv().await {
                            got.push(item);
                        }
                        got
                    })
                })
                .collect();
            // `tokio::spawn` needs a `Send` future: the fan-out runs on any worker.
            let delivered = tokio::spawn(trace(fanout).count())
                .await
                .expect("the fan-out task");
            let mut received = Vec::new();
            for handle in handles {
                received.push(handle.await.expect("a consumer task"));
            }
            (delivered, received)
        },
    );
    let (delivered, received) = received;
    assert_eq!(delivered, items as usize, "one Some(()) per source item");
    for (k, got) in received.iter().enumerate() {
        assert!(
            got.iter().copied().eq(0..items),
            "consumer {k} got {} items, not exactly 0..{items} in order",
            got.len()
        );
    }
}

/// What the cancellation fuzzer looks at after each drop: each receiver, and
/// what its consumer has taken from it so far.
type Consumers = Vec<(Arc<Mutex<Receiver<u32>>>, Arc<Mutex<Vec<u32>>>)>;

#[test]
fn dropped_at_any_point_each_receiver_holds_a_prefix_and_sees_the_end() {
    support::drop_after_each_poll(
        "a fan-out of 6 items to 3 receivers of 1, whose consumers look for an item every \
         1, 10 and 25 ms",
        200,
        || {
            let (fanout, receivers) = FanoutStream::new(stream::iter(0..6), 3, 1);
            let consumers: Consumers = receivers
                .into_iter()
                .map(|rx| (Arc::new(Mutex::new(rx)), Arc::new(Mutex::new(Vec::new()))))
                .collect();
            for (pace, (rx, taken)) in [1, 10, 25].into_iter().zip(&consumers) {
                let (rx, taken) = (Arc::clone(rx), Arc::clone(taken));
                tokio::spawn(async move {
                    loop {
                        tokio::time::sleep(Duration::from_millis(pace)).await;
                        let next = rx.lock().unwrap().try_recv();
                        match next {
                            Ok(item) => taken.lock().unwrap().push(item),
                            Err(TryRecvError::Empty) => {}
                            Err(TryRecvError::Disconnected) => break,
                        }
                    }
                });
            }
            let run = async move {
                let mut fanout = trace(fanout);
                while fanout.next().await.is_some() {}
            };
            (consumers, run)
        },
        |consumers: &Consumers, how| {
            let mut counts = Vec::new();
            for (k, (rx, taken)) in consumers.iter().enumerate() {
                let mut items = taken.lock().unwrap().clone();
                let (rest, ended) = drain(&mut rx.lock().unwrap());
                items.extend(rest);
                assert!(
                    ended,
                    "({how:?}) the FanoutStream was dropped, yet receiver {k} has not seen \
                     the end: one of its senders is still alive. Dropping the stream must \
                     drop every sender it holds, and nothing it started may keep running \
                     (a spawned task that delivers later?)."
                );
                let prefix: Vec<u32> = (0..items.len() as u32).collect();
                assert_eq!(
                    items, prefix,
                    "({how:?}) receiver {k} must hold the first items of the source, in \
                     order, each once, whenever the stream is dropped; it got {items:?}"
                );
                counts.push(items.len());
            }
            let (min, max) = (counts.iter().min(), counts.iter().max());
            assert!(
                max.zip(min).is_some_and(|(max, min)| max - min <= 1),
                "({how:?}) the receivers got {counts:?} items: an item is delivered to every \
                 receiver before the next is pulled, so when the stream is dropped they \
                 are at most one item apart (the item it was delivering reaches some \
                 receivers and not the others)"
            );
            if let Dropped::Completed { .. } = how {
                assert_eq!(
                    counts,
                    [6, 6, 6],
                    "the stream ended, so every receiver should have every item"
                );
            }
        },
    );
}
