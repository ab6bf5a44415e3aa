//! Hidden suite for `fix_cancel_unsafe`: a relay between two channels that
//! says when its output is slow, and must lose nothing when it does.
//!
//! Contract: `relay(input, output, patience, on_stall)` moves every item from
//! `input` to `output` exactly once, in order. It takes an item from `input`
//! only once the previous one is in `output` (it holds at most one item of
//! its own), so a slow consumer holds the producers back. While an item waits
//! for room in `output`, it calls `on_stall()` each time `patience` has passed
//! (an item waiting from t: at t + patience, t + 2·patience, …, until it is in
//! `output`), and never while no item waits. It returns how many items it put
//! into `output`: at once when `input` is closed and empty, or when `output`'s
//! receiver is gone (the item in hand is then dropped). While it waits it
//! neither spins nor loses a wake-up. Dropped at any point, it keeps nothing
//! running: no sender of `output` outlives it, and what reached `output` is a
//! prefix of the input, in order.
//!
//! Everything runs on tokio's paused clock: every timestamp below is exact
//! virtual time in milliseconds since the start. No consumer takes an item at
//! the very instant a stall is due.

// The code under test, compiled into this suite: your `exercises/src/fix_cancel_unsafe.rs`,
// or the reference solution with `cargo test --features solutions`.
#[cfg_attr(
    not(feature = "solutions"),
    path = "../exercises/src/fix_cancel_unsafe.rs"
)]
#[cfg_attr(feature = "solutions", path = "../solutions/src/fix_cancel_unsafe.rs")]
mod fix_cancel_unsafe;

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fix_cancel_unsafe::relay;
use support::{Dropped, trace};
use tokio::sync::mpsc::{self, error::TryRecvError};
use tokio::time::{Instant, sleep_until};

const NEVER_FINISHED: &str = "the test never finished (while an item waits for room, \
    the relay must wait on two things at once, room in `output` and the stall timer, \
    both polled with the task's waker)";

const LOST: &str = "An item was taken from `input` and never reached `output`. \
    `select!` drops the branches that lose: `output.send(item)` dropped before it \
    completed drops the item it holds (`Sender::send` is not cancel safe); `biased;` \
    only decides which branch is polled first, and a full `output` still lets the timer \
    win. When the stall timer wins, the item must still be in your hands: wait for room with \
    `output.reserve()` in the `select!` and send through the permit, or pin one \
    `send` future outside the loop and poll it by `&mut`.";

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

fn since(start: Instant) -> u64 {
    (Instant::now() - start).as_millis() as u64
}

/// Sleeps until `at` ms after `start`.
async fn at(start: Instant, at: u64) {
    sleep_until(start + ms(at)).await;
}

/// An `on_stall` that records when it was called, and stops a relay that
/// calls it again and again at one instant (a timer that fired and stays
/// ready) before that freezes the paused clock.
fn stall_recorder(start: Instant, stalls: &Rc<RefCell<Vec<u64>>>) -> impl FnMut() + use<> {
    let stalls = Rc::clone(stalls);
    move || {
        let now = since(start);
        let mut stalls = stalls.borrow_mut();
        assert!(
            stalls.last() != Some(&now),
            "`on_stall` was called twice at {now} ms: one call per `patience` of waiting, \
             never two at one instant. A `Sleep` that has fired stays ready on every \
             later poll: a timer made once outside the loop must be reset after each \
             stall (or make a fresh `sleep(patience)` for each wait)."
        );
        stalls.push(now);
    }
}

/// What one relay did.
#[derive(Debug, Default)]
struct Run {
    /// (ms, item) for every item the consumer received.
    received: Vec<(u64, u32)>,
    /// When `on_stall` was called.
    stalls: Vec<u64>,
    /// What `relay` returned, and when.
    returned: Option<(usize, u64)>,
}

impl Run {
    fn items(&self) -> Vec<u32> {
        self.received.iter().map(|&(_, item)| item).collect()
    }
}

/// Five items (0 to 4) wait in `input`, which is closed; `output` holds one
/// item; the consumer takes one item at each instant of `takes`, and drops
/// its receiver at `drop_at` if given (else it takes everything left after
/// its last take). Patience 50 ms. The relay is a task of its own, in a
/// `LocalSet` (its `on_stall` is not `Send`).
fn local(takes: &[u64], drop_at: Option<u64>) -> Run {
    let takes = takes.to_vec();
    support::paused(NEVER_FINISHED, move || async move {
        tokio::task::LocalSet::new()
            .run_until(async move { five_items_here(&takes, drop_at).await })
            .await
    })
}

/// The body of [`local`].
async fn five_items_here(takes: &[u64], drop_at: Option<u64>) -> Run {
    let start = Instant::now();
    let (input_tx, input) = mpsc::channel(5);
    for item in 0..5 {
        input_tx.try_send(item).unwrap();
    }
    drop(input_tx);
    let (output, mut output_rx) = mpsc::channel(1);
    let stalls = Rc::new(RefCell::new(Vec::new()));
    let on_stall = stall_recorder(start, &stalls);
    let relay = tokio::task::spawn_local(async move {
        let count = trace(relay(input, output, ms(50), on_stall)).await;
        (count, since(start))
    });
    let mut received = Vec::new();
    for &take in takes {
        at(start, take).await;
        match output_rx.try_recv() {
            Ok(item) => received.push((since(start), item)),
            Err(TryRecvError::Empty) => {}
            Err(TryRecvError::Disconnected) => break,
        }
    }
    match drop_at {
        Some(when) => {
            at(start, when).await;
            drop(output_rx);
        }
        None => {
            while let Some(item) = output_rx.recv().await {
                received.push((since(start), item));
            }
        }
    }
    // A panic in the relay (from `stall_recorder`) is the test's failure.
    let returned = relay
        .await
        .unwrap_or_else(|error| std::panic::resume_unwind(error.into_panic()));
    Run {
        received,
        stalls: stalls.take(),
        returned: Some(returned),
    }
}

/// A consumer that takes one item every 120 ms, from 120 ms on.
const SLOW: [u64; 5] = [120, 240, 360, 480, 600];

#[test]
fn an_item_waiting_for_room_is_not_lost_when_the_stall_timer_fires() {
    let run = local(&SLOW, None);
    assert_eq!(
        run.items(),
        [0, 1, 2, 3, 4],
        "expected every item, in order, with a consumer taking one every 120 ms and a \
         patience of 50 ms; got {:?} (stalls at {:?} ms). {LOST}",
        run.items(),
        run.stalls
    );
}

/// How many times [`an_item_is_not_lost_when_room_comes_as_the_stall_is_due`]
/// makes room at the very instant a stall is due.
const TIES: u32 = 30;

#[test]
fn an_item_is_not_lost_when_room_comes_as_the_stall_is_due() {
    // The relay is polled by hand, so that at each round both things it
    // waits for are ready at one poll: the stall timer has fired (the clock
    // was advanced by `patience`) and `output` has room (the consumer took
    // an item). An unbiased `select!` then picks one at random; if it picks
    // the timer and drops a `send(item)`, the item is gone. Thirty rounds:
    // a relay that can lose an item this way loses one all but surely.
    let received = support::paused(NEVER_FINISHED, || async {
        let (input_tx, input) = mpsc::channel(TIES as usize + 1);
        for item in 0..=TIES {
            input_tx.try_send(item).unwrap();
        }
        drop(input_tx);
        let (output, mut output_rx) = mpsc::channel(1);
        let stalls = Rc::new(RefCell::new(Vec::new()));
        let on_stall = stall_recorder(Instant::now(), &stalls);
        let mut relay = tokio_test::task::spawn(trace(relay(input, output, ms(50), on_stall)));
        let mut received = Vec::new();
        let mut returned = relay.poll().is_ready();
        for _ in 0..TIES {
            tokio::time::advance(ms(50)).await;
            if let Ok(item) = output_rx.try_recv() {
                received.push(item);
            }
            if !returned {
                returned = relay.poll().is_ready();
            }
        }
        // The rest, with room to spare, until the relay returns.
        for _ in 0..10 * TIES {
            while let Ok(item) = output_rx.try_recv() {
                received.push(item);
            }
            if returned {
                break;
            }
            returned = relay.poll().is_ready();
            tokio::time::advance(ms(10)).await;
        }
        while let Ok(item) = output_rx.try_recv() {
            received.push(item);
        }
        received
    });
    assert_eq!(
        received,
        (0..=TIES).collect::<Vec<_>>(),
        "{TIES} times, the consumer made room in `output` at the very instant a stall was \
         due, so that both were ready at the relay's next poll; expected every item, in \
         order, got {received:?}. With `send(item)` in a `select!`, the branch that wins a \
         tie is chosen at random, and when the timer wins, the send is dropped with its \
         item. {LOST}"
    );
}

#[test]
fn on_stall_is_called_each_patience_while_an_item_waits() {
    let run = local(&SLOW, None);
    // Item 0 goes straight in; item k waits from the moment item k-1 went in
    // (0 ms, then each take) until the next take.
    let expected = [50, 100, 170, 220, 290, 340, 410, 460];
    assert_eq!(
        run.stalls, expected,
        "expected `on_stall` at {expected:?} ms: item 1 waits for room from 0 to 120 ms \
         (stalls at 50 and 100), item 2 from 120 to 240, and so on; after a stall the \
         same item goes on waiting and the next stall comes `patience` later. Got \
         {:?} (items received: {:?}).",
        run.stalls, run.received
    );
}

#[test]
fn items_reach_output_as_soon_as_there_is_room() {
    // The consumer takes item 0 at 120 ms, then takes every item as soon as
    // it comes: each one can go in the moment the previous one is taken.
    let run = local(&[120], None);
    let expected = [(120, 0), (120, 1), (120, 2), (120, 3), (120, 4)];
    assert_eq!(
        run.received, expected,
        "expected (ms, item) {expected:?}: from 120 ms on the consumer takes every item \
         as soon as it comes, and the relay must put each one into `output` the moment \
         the previous one is taken. A relay that *waits* for room (`reserve`, `send`) is \
         woken at that moment; one that only looks now and then (`try_send`, then a \
         sleep) comes late. Got {:?}. If an item is missing: {LOST}",
        run.received
    );
}

#[test]
fn returns_the_count_as_soon_as_the_input_is_closed_and_empty() {
    let run = local(&SLOW, None);
    assert_eq!(
        run.returned,
        Some((5, 480)),
        "expected `relay` to return 5 (items put into `output`) at 480 ms, when the last \
         item went into `output` and `input` was closed and empty; got (count, ms) {:?}. \
         A smaller count means items were lost. {LOST}",
        run.returned
    );
}

#[test]
fn returns_when_the_consumer_is_gone_having_lost_nothing_it_delivered() {
    // Items 0 and 1 are taken; item 2 sits in `output` from 240 ms; item 3
    // waits for room (a stall at 290) until the receiver is dropped at 300.
    let run = local(&SLOW[..2], Some(300));
    assert_eq!(
        run.items(),
        [0, 1],
        "expected the consumer to get items 0 and 1 before it left; got {:?}. {LOST}",
        run.items()
    );
    assert_eq!(
        run.returned,
        Some((3, 300)),
        "expected `relay` to return 3 (items 0, 1 and 2 were put into `output`) at 300 ms, \
         the moment the consumer dropped its receiver while item 3 waited for room; got \
         (count, ms) {:?}. `reserve` (or `send`) gives an error once the receiver is \
         gone: that ends the relay.",
        run.returned
    );
}

#[test]
fn the_producer_is_held_back_by_a_slow_consumer() {
    let (sent, received) = support::paused(NEVER_FINISHED, || async {
        tokio::task::LocalSet::new()
            .run_until(async {
                let start = Instant::now();
                let (input_tx, input) = mpsc::channel(1);
                let (output, mut output_rx) = mpsc::channel(1);
                let stalls = Rc::new(RefCell::new(Vec::new()));
                let on_stall = stall_recorder(start, &stalls);
                let relay = tokio::task::spawn_local(trace(relay(input, output, ms(30), on_stall)));
                // The producer sends 0 to 7 as fast as `input` lets it.
                let producer = tokio::task::spawn_local(async move {
                    let mut sent = Vec::new();
                    for item in 0..8 {
                        if input_tx.send(item).await.is_err() {
                            break;
                        }
                        sent.push(since(start));
                    }
                    sent
                });
                // The consumer takes one item every 100 ms.
                let mut received = Vec::new();
                for take in 1..=8 {
                    at(start, 100 * take).await;
                    if let Ok(item) = output_rx.try_recv() {
                        received.push(item);
                    }
                }
                let sent = producer.await.expect("the producer panicked");
                drop(output_rx);
                let _ = relay.await;
                (sent, received)
            })
            .await
    });
    // One item in `input`, one in the relay's hands, one in `output`: the
    // producer is three items ahead of the consumer, never more.
    let expected = [0, 0, 0, 100, 200, 300, 400, 500];
    assert_eq!(
        sent, expected,
        "expected the producer's sends of items 0..8 to complete at {expected:?} ms: \
         `input` holds one, the relay holds one, `output` holds one, and then each send \
         must wait for the consumer (one item every 100 ms). Backpressure: the relay \
         takes an item from `input` only once the previous one is in `output`. Sends \
         that complete early mean the relay let items go elsewhere (dropped in a \
         cancelled `send`, or handed to a spawned task). Got {sent:?} (the consumer \
         received {received:?})."
    );
    assert_eq!(
        received,
        (0..8).collect::<Vec<u32>>(),
        "expected the consumer to receive every item in order; got {received:?}. {LOST}"
    );
}

/// What the cancellation fuzzer checks after each drop: the consumer's
/// receiver and what it has taken so far.
type Consumer = (Arc<Mutex<mpsc::Receiver<u32>>>, Arc<Mutex<Vec<u32>>>);

#[test]
fn dropped_at_any_point_it_keeps_nothing_running_and_delivers_a_prefix() {
    support::drop_after_each_poll(
        "a relay of 5 items to a consumer taking one every 40 ms, patience 25 ms",
        200,
        || {
            let (input_tx, input) = mpsc::channel(5);
            for item in 0..5 {
                input_tx.try_send(item).unwrap();
            }
            drop(input_tx);
            let (output, output_rx) = mpsc::channel(1);
            let output_rx = Arc::new(Mutex::new(output_rx));
            let taken = Arc::new(Mutex::new(Vec::new()));
            // The consumer: a task of its own, one item every 40 ms.
            let consumer: Consumer = (Arc::clone(&output_rx), Arc::clone(&taken));
            tokio::spawn(async move {
                let (rx, taken) = consumer;
                loop {
                    tokio::time::sleep(ms(40)).await;
                    let next = rx.lock().unwrap().try_recv();
                    match next {
                        Ok(item) => taken.lock().unwrap().push(item),
                        Err(TryRecvError::Empty) => {}
                        Err(TryRecvError::Disconnected) => break,
                    }
                }
            });
            let stalls = Rc::new(RefCell::new(Vec::new()));
            let relay = trace(relay(
                input,
                output,
                ms(25),
                stall_recorder(Instant::now(), &stalls),
            ));
            ((output_rx, taken), relay)
        },
        |(output_rx, taken): &Consumer, how| {
            let mut items = taken.lock().unwrap().clone();
            let mut rx = output_rx.lock().unwrap();
            loop {
                match rx.try_recv() {
                    Ok(item) => items.push(item),
                    Err(TryRecvError::Empty) => panic!(
                        "({how:?}) the relay was dropped, yet a sender of `output` is \
                         still alive: something it started keeps running after it was \
                         cancelled (a spawned task that sends the item later?). Dropping \
                         a future must stop all its work."
                    ),
                    Err(TryRecvError::Disconnected) => break,
                }
            }
            let prefix: Vec<u32> = (0..items.len() as u32).collect();
            assert_eq!(
                items, prefix,
                "({how:?}) what reached `output` must be the first items of `input`, in \
                 order, each once; got {items:?}. {LOST}"
            );
            if let Dropped::Completed { .. } = how {
                assert_eq!(
                    items,
                    [0, 1, 2, 3, 4],
                    "the relay completed, so every item should have reached `output`; got \
                     {items:?}. {LOST}"
                );
            }
        },
    );
}
