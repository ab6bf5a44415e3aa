//! Hidden suite for `fair_yield`: a stream that lets the other tasks run.
//!
//! Contract: `Cooperative::new(stream)` yields the items of `stream`, in
//! order, and ends when it ends, on any executor. While a task drains an
//! always-ready stream through it on a current-thread tokio runtime, the
//! other tasks get a turn at least once every 256 items; and the draining
//! task gives its turn away at most about once every 32 items (it must not
//! slow the flow down much). When the stream is `Pending`, so is
//! `Cooperative`, without waking itself, and the stream's item wakes the
//! task. `Cooperative<S>` is `Unpin` when `S` is.
//!
//! The runtime tests run a heartbeat task beside the consumer: it counts its
//! turns, so "the other tasks get a turn" is a number, not a guess. Everything
//! runs under the watchdog.

// The code under test, compiled into this suite: your `exercises/src/fair_yield.rs`,
// or the reference solution with `cargo test --features solutions`.
#[cfg_attr(not(feature = "solutions"), path = "../exercises/src/fair_yield.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/src/fair_yield.rs")]
mod fair_yield;

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::task::Poll;

use fair_yield::Cooperative;
use futures::channel::mpsc;
use futures::executor::block_on;
use futures::{StreamExt, stream};
use support::trace;
use tokio_test::task;

/// How many items flow in the runtime tests: enough for the counts to mean
/// something, few enough that a slow wrong answer (a yield per item) still
/// ends well within the watchdog's 2 s on a busy machine.
const ITEMS: usize = 200_000;

const NEVER_FINISHED: &str = "draining a stream through Cooperative never finished. Did \
    poll_next return Pending without arranging a wake-up? To hand the thread back, return \
    Pending only after something will wake the task again (tokio's `coop::poll_proceed` does \
    that, or wake `cx.waker()` yourself before that one Pending)";

/// What a drain of `ITEMS` always-ready items through `Cooperative` looked
/// like on a current-thread runtime: the items received, how often the
/// heartbeat task ran meanwhile, and how often the draining task was polled.
struct Drain {
    items: usize,
    heartbeats: usize,
    consumer_polls: usize,
}

fn drain_beside_a_heartbeat() -> Drain {
    support::current_thread(NEVER_FINISHED, || async {
        let done = Arc::new(AtomicBool::new(false));
        let beats = Arc::new(AtomicUsize::new(0));
        let heartbeat = tokio::spawn({
            let (done, beats) = (Arc::clone(&done), Arc::clone(&beats));
            async move {
                while !done.load(Ordering::SeqCst) {
                    beats.fetch_add(1, Ordering::SeqCst);
                    tokio::task::yield_now().await;
                }
            }
        });
        // Let the heartbeat start, so that it waits in the run queue.
        tokio::task::yield_now().await;
        let beats_before = beats.load(Ordering::SeqCst);
        let consumer = tokio::spawn(counting_polls(async {
            let mut flow = trace(Cooperative::new(stream::iter(0..ITEMS)));
            let mut items = 0;
            while let Some(item) = flow.next().await {
                assert_eq!(item, items, "items must come out in order");
                items += 1;
            }
            items
        }));
        let (items, consumer_polls) = consumer.await.expect("the consumer task");
        let heartbeats = beats.load(Ordering::SeqCst) - beats_before;
        done.store(true, Ordering::SeqCst);
        heartbeat.await.expect("the heartbeat task");
        Drain {
            items,
            heartbeats,
            consumer_polls,
        }
    })
}

/// Runs `future`, counting how many times it is polled.
async fn counting_polls<F: Future>(future: F) -> (F::Output, usize) {
    let mut future = pin!(future);
    let mut polls = 0;
    let output = std::future::poll_fn(|cx| {
        polls += 1;
        future.as_mut().poll(cx)
    })
    .await;
    (output, polls)
}

#[test]
fn yields_every_item_in_order_and_ends_with_the_stream_on_any_executor() {
    fn assert_unpin<T: Unpin>(value: T) -> T {
        value
    }
    let got: Vec<u32> = support::watchdog(NEVER_FINISHED, || {
        block_on(assert_unpin(trace(Cooperative::new(stream::iter(0..1000u32)))).collect())
    });
    assert_eq!(
        got,
        (0..1000).collect::<Vec<_>>(),
        "Cooperative must pass every item of its stream on, in order, and end when it ends \
         (here on `futures::executor::block_on`, which is not tokio: the adapter must work \
         there too)"
    );
}

#[test]
fn lets_another_task_run_at_least_every_256_items() {
    let drain = drain_beside_a_heartbeat();
    assert_eq!(drain.items, ITEMS, "every item arrives");
    let needed = ITEMS / 256;
    // How the consumer's task was polled says what the adapter did.
    let pendings = drain.consumer_polls.saturating_sub(1);
    let diagnosis = if pendings == 0 {
        "Yours never gave the thread back: the consumer took every item in a single poll."
            .to_owned()
    } else if pendings < needed {
        format!("Yours returned Pending {pendings} time(s) in {ITEMS} items: far too rarely.")
    } else {
        format!(
            "Yours returned Pending {pendings} time(s), yet the other task hardly ran: the \
             consumer's task was woken at once each time."
        )
    };
    assert!(
        drain.heartbeats >= needed,
        "while {ITEMS} always-ready items flowed through Cooperative on a current-thread \
         runtime, another task got only {} turn(s); it needs at least one every 256 items \
         ({needed}). {diagnosis} A stream that always has an item never returns Pending, so the task \
         that drains it never gives the thread back and starves every other task (timers, \
         I/O, heartbeats). Hand the thread back every so often: return Pending once, with \
         the task woken again later (tokio's cooperative budget, `coop::poll_proceed`, does \
         both). Waking yourself (`cx.waker().wake_by_ref()`) before that Pending is not \
         enough on tokio: the task goes straight back into the run queue, and tokio looks at \
         timers, I/O and tasks that yielded with `yield_now` only when the queue is empty or \
         after 61 tasks in a row; the budget and `tokio::task::yield_now()` wake the task \
         only after that look.",
        drain.heartbeats
    );
}

#[test]
fn does_not_give_its_turn_away_much_more_often_than_every_32_items() {
    let drain = drain_beside_a_heartbeat();
    assert_eq!(drain.items, ITEMS, "every item arrives");
    let allowed = ITEMS / 32 + 16;
    assert!(
        drain.consumer_polls <= allowed,
        "the draining task was polled {} times for {ITEMS} items: it gave its turn away \
         about every {:.1} item(s). Each yield costs a trip through the scheduler; once every \
         32 items or less often keeps the flow fast ({allowed} polls at most). Yield when a \
         budget of many items is spent, not on every item.",
        drain.consumer_polls,
        ITEMS as f64 / drain.consumer_polls.max(1) as f64
    );
}

#[test]
fn passes_pending_on_and_is_woken_by_the_stream() {
    support::watchdog(NEVER_FINISHED, || {
        let (tx, rx) = mpsc::unbounded::<u32>();
        let mut flow = task::spawn(trace(Cooperative::new(rx)));
        assert_eq!(
            flow.poll_next(),
            Poll::Pending,
            "the channel is empty, so Cooperative must be Pending too"
        );
        assert!(
            !flow.is_woken(),
            "Cooperative returned Pending with an empty channel and woke its own task at \
             once: it would be polled again and again while there is nothing to do (a busy \
             loop). Yield on purpose only while items flow; when the stream is Pending, just \
             pass its Pending on: the stream wakes the task."
        );
        tx.unbounded_send(7).unwrap();
        assert!(
            flow.is_woken(),
            "an item arrived in the channel, but the task was not woken: poll the stream with \
             `cx`, so that its waker reaches the channel (a lost wake-up otherwise)"
        );
        assert_eq!(
            flow.poll_next(),
            Poll::Ready(Some(7)),
            "and the item comes out"
        );
        drop(tx);
        assert_eq!(
            flow.poll_next(),
            Poll::Ready(None),
            "the channel closed: Cooperative ends too"
        );
    });
}
