//! Hidden suite for `std_vs_tokio`: one fan-in with threads and with tasks,
//! and a bridge from a std channel to a tokio one.
//!
//! Contract: `fan_in_threads(producers, capacity)` runs each producer on a
//! thread of its own, `fan_in_tasks` as a tokio task of its own, all at once,
//! and returns at once (never waiting for a producer); both send every item, each
//! producer's in order, into one bounded channel of `capacity` (std
//! `sync_channel` / tokio `mpsc`) and return its receiver, which ends when
//! every producer is done; a consumer that does not receive holds the
//! producers back (at most `capacity` items wait in the channel, plus one in
//! each producer's hand). `bridge(std_rx, capacity)` forwards every item of a
//! std receiver, in order, into a tokio channel of `capacity` and returns its
//! receiver, which ends when the std channel ends; it never blocks a runtime
//! thread, and a full tokio channel holds the std side back.
//!
//! Backpressure and concurrency are measured by counting what each producer
//! made, never by timing them; every call into the learner's code and every
//! wait is bounded, so no test can hang.

// The code under test, compiled into this suite: your `exercises/src/std_vs_tokio.rs`,
// or the reference solution with `cargo test --features solutions`.
#[cfg_attr(not(feature = "solutions"), path = "../exercises/src/std_vs_tokio.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/src/std_vs_tokio.rs")]
mod std_vs_tokio;

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc as std_mpsc;
use std::thread;
use std::time::{Duration, Instant};

use std_vs_tokio::{bridge, fan_in_tasks, fan_in_threads};

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// How long a test waits for something a correct solution does at once.
const SOON: Duration = Duration::from_millis(500);

/// How long a test gives a wrong solution to make more than it may.
const SHOW_TOO_MANY: Duration = Duration::from_millis(100);

/// Producer `p`'s items: `(p, 0)`, `(p, 1)`, … `(p, len - 1)`.
fn tagged(p: usize, len: u32) -> impl Iterator<Item = (usize, u32)> + Send + 'static {
    (0..len).map(move |seq| (p, seq))
}

/// The items `0..len`, counting how many have been made so far.
fn counted(len: u32) -> (impl Iterator<Item = u32> + Send + 'static, Arc<AtomicUsize>) {
    let made = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&made);
    let items = (0..len).inspect(move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    (items, made)
}

/// Calls `fan_in_threads` under the watchdog: it must return at once.
fn start_threads<T, I>(producers: Vec<I>, capacity: usize) -> std_mpsc::Receiver<T>
where
    T: Send + 'static,
    I: IntoIterator<Item = T> + Send + 'static,
    I::IntoIter: Send,
{
    support::watchdog(
        "`fan_in_threads` itself never returned. It must start the producer threads and \
         return the receiver at once: nobody can receive before it returns, so a \
         producer with more items than the channel holds blocks in `send`, and waiting \
         for it there (joining the producer threads, or sending on the calling thread) \
         is a deadlock. Let the threads run on their own; the receiver ends by itself \
         once every producer is done and has dropped its sender.",
        move || fan_in_threads(producers, capacity),
    )
}

/// Checks that `received` holds every item of producers of the given lengths,
/// once each, and each producer's items in order.
fn check_fan_in(received: &[(usize, u32)], lengths: &[u32]) {
    let total: u32 = lengths.iter().sum();
    assert_eq!(
        received.len(),
        total as usize,
        "producers of {lengths:?} items made {total} items in all; the receiver got {}",
        received.len()
    );
    for (p, &len) in lengths.iter().enumerate() {
        let mine: Vec<u32> = received
            .iter()
            .filter(|(from, _)| *from == p)
            .map(|&(_, seq)| seq)
            .collect();
        assert!(
            mine.iter().copied().eq(0..len),
            "producer {p} sent 0..{len} in order; the receiver got {mine:?} from it. Items \
             from different producers may interleave, but each producer's own items must \
             arrive once each, in the order it sent them."
        );
    }
}

#[test]
fn fan_in_threads_delivers_every_item_once_keeping_each_producers_order() {
    let lengths = [300, 200, 250, 1];
    let rx = start_threads(
        lengths
            .iter()
            .enumerate()
            .map(|(p, &n)| tagged(p, n))
            .collect(),
        8,
    );
    let received: Vec<_> = support::watchdog(
        "the fan-in's receiver never ended: is a sender still alive after every producer \
         is done?",
        move || rx.iter().collect(),
    );
    check_fan_in(&received, &lengths);
}

#[test]
fn fan_in_threads_ends_when_every_producer_is_done() {
    let rx = start_threads(vec![tagged(0, 3), tagged(1, 0), tagged(2, 2)], 1);
    let received: Vec<_> = support::watchdog(
        "every producer finished, yet the receiver never ended. A std receiver ends when \
         every `Sender` is gone: each producer's clone goes when its thread ends, and the \
         original must not outlive `fan_in_threads`.",
        move || rx.iter().collect(),
    );
    check_fan_in(&received, &[3, 0, 2]);

    let nobody = start_threads(Vec::<std::vec::IntoIter<u8>>::new(), 1);
    let ended = nobody.recv_timeout(SOON);
    assert_eq!(
        ended,
        Err(std_mpsc::RecvTimeoutError::Disconnected),
        "with no producers at all, the receiver should end at once: no sender is left"
    );
}

#[test]
fn fan_in_threads_holds_a_fast_producer_back() {
    let (items, made) = counted(1000);
    let rx = start_threads(vec![items], 4);
    // Nobody receives: the producer fills the channel (4) and then blocks with
    // a fifth item in hand.
    let start = Instant::now();
    while made.load(Ordering::SeqCst) < 5 && start.elapsed() < SOON {
        thread::sleep(ms(1));
    }
    // Give a producer that is not held back a moment to show it. A correct
    // fan-in waits all of this; a wrong one shows itself in a millisecond.
    let start = Instant::now();
    while made.load(Ordering::SeqCst) <= 5 && start.elapsed() < SHOW_TOO_MANY {
        thread::sleep(ms(1));
    }
    let made_now = made.load(Ordering::SeqCst);
    assert!(
        made_now >= 5,
        "with room for 4 items in the channel, the producer made only {made_now} in 0.5 s: \
         does each producer run on a thread of its own, started by `fan_in_threads`?"
    );
    assert!(
        made_now <= 5,
        "nobody received anything, yet the producer made {made_now} items: the channel did \
         not hold it back. `std::sync::mpsc::sync_channel(capacity)` is bounded: a `send` \
         into a full one blocks the producer's thread until the consumer makes room, so \
         with room for 4 the producer stops at 4 sent plus 1 in hand. (`channel()` is \
         unbounded: a fast producer just fills memory.)"
    );
    let received: Vec<u32> = support::watchdog(
        "the receiver never ended after the producer's 1000 items",
        move || rx.iter().collect(),
    );
    assert!(
        received.iter().copied().eq(0..1000),
        "once the consumer receives, all 1000 items should arrive, in order"
    );
}

#[test]
fn fan_in_threads_runs_every_producer_at_once() {
    let (producers, made): (Vec<_>, Vec<_>) = (0..3).map(|_| counted(1000)).unzip();
    let rx = start_threads(producers, 2);
    // Nobody receives. Each producer has a thread of its own, so each one
    // makes its first item, and then waits for room, however full the
    // channel already is.
    let made_by = || {
        made.iter()
            .map(|m| m.load(Ordering::SeqCst))
            .collect::<Vec<_>>()
    };
    let start = Instant::now();
    while made_by().contains(&0) && start.elapsed() < SOON {
        thread::sleep(ms(1));
    }
    let made_now = made_by();
    if let Some(idle) = made_now.iter().position(|&m| m == 0) {
        panic!(
            "nobody received yet, and the three producers made {made_now:?} items: \
             producer {idle} had not made a single one after 0.5 s. Each producer must run \
             on a thread of its own, all started by `fan_in_threads`: run one after the \
             other, a producer waits until every one before it has finished, and while the \
             channel is full none of them gets anywhere. That is a queue, not a fan-in."
        );
    }
    let received: Vec<u32> = support::watchdog(
        "the receiver never ended after the producers' 3000 items",
        move || rx.iter().collect(),
    );
    assert_eq!(
        received.len(),
        3000,
        "once the consumer receives, all 3000 items should arrive"
    );
}

/// What a `fan_in_tasks` whose producers are std threads sees on the paused
/// clock, said where its tests would otherwise only suspect a lost wake-up.
const NOT_TASKS: &str = " (or are the producers std threads? The runtime cannot see a \
    thread at work: on the test's paused clock it moves time on as soon as its own tasks \
    are all waiting, however busy the threads are. Each producer must be a tokio task of \
    its own: `tokio::spawn`)";

#[test]
fn fan_in_tasks_delivers_every_item_once_keeping_each_producers_order() {
    let lengths = [300, 200, 250, 1];
    let received = support::paused(
        &format!(
            "the fan-in's receiver never ended: is a sender still alive after every producer \
             is done?{NOT_TASKS}"
        ),
        move || async move {
            let mut rx = fan_in_tasks(
                lengths
                    .iter()
                    .enumerate()
                    .map(|(p, &n)| tagged(p, n))
                    .collect(),
                8,
            );
            let mut received = Vec::new();
            while let Some(item) = rx.recv().await {
                received.push(item);
            }
            received
        },
    );
    check_fan_in(&received, &lengths);
}

#[test]
fn fan_in_tasks_ends_when_every_producer_is_done() {
    let received = support::paused(
        &format!(
            "every producer finished, yet the receiver never ended. A tokio receiver ends \
             when every `Sender` is gone: each producer task's clone goes when the task \
             ends, and the original must not outlive `fan_in_tasks`{NOT_TASKS}"
        ),
        || async {
            let mut rx = fan_in_tasks(vec![tagged(0, 3), tagged(1, 0), tagged(2, 2)], 1);
            let mut received = Vec::new();
            while let Some(item) = rx.recv().await {
                received.push(item);
            }
            let mut nobody = fan_in_tasks(Vec::<std::vec::IntoIter<u8>>::new(), 1);
            assert_eq!(
                nobody.recv().await,
                None,
                "with no producers at all, the receiver should end at once"
            );
            received
        },
    );
    check_fan_in(&received, &[3, 0, 2]);
}

#[test]
fn fan_in_tasks_holds_fast_producers_back() {
    let never = format!("the fan-in never finished{NOT_TASKS}");
    let (made, received) = support::paused(&never, || async {
        let (a, made_a) = counted(1000);
        let (b, made_b) = counted(1000);
        let mut rx = fan_in_tasks(vec![a, b], 4);
        // On the paused clock this sleep ends only when every other task is
        // waiting: here, when both producers are stuck in `send(..).await`.
        tokio::time::sleep(ms(1)).await;
        let made = made_a.load(Ordering::SeqCst) + made_b.load(Ordering::SeqCst);
        let mut received = Vec::new();
        while let Some(item) = rx.recv().await {
            received.push(item);
        }
        (made, received)
    });
    assert!(
        made >= 4,
        "nobody received, and the two producers should have filled the channel (4) before \
         they had to wait; they made {made} items. Are they tokio tasks (`tokio::spawn`), \
         started by `fan_in_tasks`?"
    );
    assert!(
        made <= 6,
        "nobody received anything, yet the producers made {made} items: the channel did not \
         hold them back. A bounded `tokio::sync::mpsc::channel(capacity)` makes \
         `send(item).await` wait (return Pending) while it is full, so with room for 4 the \
         two producers stop at 4 sent plus one each in hand. (An unbounded channel never \
         says no: a fast producer just fills memory.)"
    );
    assert_eq!(received.len(), 2000, "then every item arrives");
}

#[test]
fn fan_in_tasks_runs_every_producer_at_once() {
    let never = format!("the fan-in never finished{NOT_TASKS}");
    let (made_now, received) = support::paused(&never, || async {
        let (producers, made): (Vec<_>, Vec<_>) = (0..3).map(|_| counted(1000)).unzip();
        let mut rx = fan_in_tasks(producers, 2);
        // Nobody receives. On the paused clock this sleep ends only when every
        // other task is waiting: each producer task has made its first item
        // and waits in `send(..).await`.
        tokio::time::sleep(ms(1)).await;
        let made_now: Vec<usize> = made.iter().map(|m| m.load(Ordering::SeqCst)).collect();
        let mut received = 0;
        while rx.recv().await.is_some() {
            received += 1;
        }
        (made_now, received)
    });
    if let Some(idle) = made_now.iter().position(|&m| m == 0) {
        panic!(
            "nobody received yet, and the three producers made {made_now:?} items: \
             producer {idle} had not made a single one when every task was waiting. Each \
             producer must run as a task of its own (`tokio::spawn` per producer): run one \
             after the other in a single task, a producer waits until every one before it \
             has finished, and while the channel is full none of them gets anywhere."
        );
    }
    assert_eq!(received, 3000, "then every item arrives");
}

/// Runs `body` on a current-thread runtime on the real clock.
fn on_one_thread<F>(on_hang: &str, body: impl FnOnce() -> F + Send + 'static) -> F::Output
where
    F: Future + 'static,
    F::Output: Send + 'static,
{
    support::current_thread(on_hang, body)
}

/// Why a bridge test may never finish, when its own waits are all bounded.
const BRIDGE_HUNG: &str = "the bridge test never finished: something blocked the \
    runtime's only thread. Does `bridge` itself wait (forwarding on the calling thread \
    before it returns), or does a task on the runtime call the std `recv`? Receive on a \
    thread of its own and return the tokio receiver at once.";

#[test]
fn bridge_forwards_every_item_in_order_then_ends() {
    let received = on_one_thread(
        "the bridged receiver never ended, though the std channel had ended: when the std \
         `recv` fails (every std sender gone), drop the tokio sender",
        || async {
            let (std_tx, std_rx) = std_mpsc::channel();
            for item in 0..100 {
                std_tx.send(item).unwrap();
            }
            drop(std_tx);
            let mut rx = bridge(std_rx, 8);
            let mut received = Vec::new();
            while let Some(item) = rx.recv().await {
                received.push(item);
            }
            received
        },
    );
    assert!(
        received.iter().copied().eq(0..100),
        "every item of the std channel, in order, then the end; got {} items: {:?}…",
        received.len(),
        &received[..received.len().min(10)]
    );
}

#[test]
fn bridge_never_blocks_the_runtime_thread() {
    // A std producer that sends only when a task on the runtime asks it to,
    // and ends only when the consumer on the runtime has answered. If the
    // bridge blocks the runtime's only thread in a std `recv`, neither can
    // happen: the producer gives up after a bounded wait, so the test ends.
    let (got, end, (asked, answered)) = on_one_thread(BRIDGE_HUNG, || async {
        let (std_tx, std_rx) = std_mpsc::channel::<u32>();
        let (go_tx, go_rx) = std_mpsc::channel::<()>();
        let (done_tx, done_rx) = std_mpsc::channel::<()>();
        let producer = thread::spawn(move || {
            let asked = go_rx.recv_timeout(SOON).is_ok();
            if asked {
                for item in 0..3 {
                    std_tx.send(item).unwrap();
                }
            }
            let answered = asked && done_rx.recv_timeout(SOON).is_ok();
            drop(std_tx);
            (asked, answered)
        });
        let mut rx = bridge(std_rx, 4);
        // Another task on the same, only, runtime thread.
        tokio::spawn(async move {
            let _ = go_tx.send(());
        });
        let mut got = Vec::new();
        while got.len() < 3 {
            match rx.recv().await {
                Some(item) => got.push(item),
                None => break,
            }
        }
        let _ = done_tx.send(());
        let end = rx.recv().await;
        (got, end, producer.join().unwrap())
    });
    const BLOCKED: &str = "The bridge blocked the runtime's only thread: \
        `std::sync::mpsc::Receiver::recv` waits by blocking the thread it runs on, and a \
        runtime thread blocked in it runs no other task until an item comes. Receive on a \
        thread of its own (`std::thread::spawn`, or `tokio::task::spawn_blocking`) and \
        hand the items to the tokio channel with `blocking_send`.";
    assert!(
        asked,
        "a task spawned on the runtime never got to run (the std producer waited 0.5 s \
         for it). {BLOCKED}"
    );
    assert!(
        answered,
        "after the items arrived, the consumer on the runtime never got to say so (the \
         std producer waited 0.5 s for it). {BLOCKED}"
    );
    assert_eq!(got, [0, 1, 2], "the three items, in order");
    assert_eq!(end, None, "then the end, once the std sender is gone");
}

#[test]
fn bridge_holds_the_std_side_back_when_the_tokio_side_is_full() {
    let (sent_while_full, received) = on_one_thread(BRIDGE_HUNG, || async {
        // The std side has room for 1; the tokio side for 2.
        let (std_tx, std_rx) = std_mpsc::sync_channel(1);
        let sent = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&sent);
        thread::spawn(move || {
            for item in 0..100 {
                if std_tx.send(item).is_err() {
                    break;
                }
                counter.fetch_add(1, Ordering::SeqCst);
            }
        });
        let mut rx = bridge(std_rx, 2);
        // Nobody receives yet: 2 wait in the tokio channel, 1 in the bridge's
        // hand, 1 in the std channel, and the std producer is blocked.
        let start = Instant::now();
        while sent.load(Ordering::SeqCst) < 4 && start.elapsed() < SOON {
            tokio::time::sleep(ms(1)).await;
        }
        // Give a bridge that does not hold back a moment to show it.
        let start = Instant::now();
        while sent.load(Ordering::SeqCst) <= 5 && start.elapsed() < SHOW_TOO_MANY {
            tokio::time::sleep(ms(1)).await;
        }
        let sent_while_full = sent.load(Ordering::SeqCst);
        let mut received = Vec::new();
        while let Some(item) = rx.recv().await {
            received.push(item);
        }
        (sent_while_full, received)
    });
    assert!(
        sent_while_full >= 3,
        "with room for 2 in the tokio channel and 1 in the std one, the bridge should take \
         items until both are full; only {sent_while_full} were sent in 0.5 s"
    );
    assert!(
        sent_while_full <= 5,
        "nobody received from the tokio side, yet {sent_while_full} items left the std \
         producer: the bridge does not pass the backpressure on. Forward into the bounded \
         tokio channel with `blocking_send`, which waits while it is full, instead of \
         buffering the items somewhere else."
    );
    assert!(
        received.iter().copied().eq(0..100),
        "once the consumer receives, all 100 items arrive in order"
    );
}
