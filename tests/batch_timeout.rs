//! Hidden suite for `batch_timeout`: batches of at most `max`, each out at the
//! latest `wait` after its first item.
//!
//! Contract: `BatchTimeout::new(stream, max, wait)` yields the upstream's items,
//! in order, none lost, in batches (`Vec`s) of 1 to `max` items. A batch opens
//! with its first item, which starts the batch's timer (not `new`, not the
//! first poll, not the last flush); it goes out the moment it holds `max`
//! items, or `wait` after its first item, whichever comes first. Once its time
//! is up it goes out as it is: an item that arrives at the deadline (or later)
//! is the first of the next batch. While no batch is open there is no timer: a
//! quiet upstream gets no wake-up and no batch, never an empty one. When the
//! upstream ends, the open batch goes out at once, then `None`, on every later
//! poll too, without polling the ended upstream again. `max == 0` panics at
//! `new` with a message containing "must be at least 1". While it waits it
//! neither spins nor loses the wake-up. `BatchTimeout<S>` is `Unpin` when `S`
//! is.
//!
//! Everything runs on tokio's paused clock: sleeps end instantly, in order, and
//! every timestamp below is exact virtual time in milliseconds since the start.
//! The upstream of the timing tests is a channel fed at fixed virtual instants,
//! so every correct design gives the same batches at the same times.

// The code under test, compiled into this suite: your `exercises/src/batch_timeout.rs`,
// or the reference solution with `cargo test --features solutions`.
#[cfg_attr(not(feature = "solutions"), path = "../exercises/src/batch_timeout.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/src/batch_timeout.rs")]
mod batch_timeout;

use std::panic::{self, AssertUnwindSafe};
use std::task::Poll;
use std::time::Duration;

use batch_timeout::BatchTimeout;
use futures::{Stream, StreamExt, stream};
use support::trace;
use tokio::sync::mpsc;
use tokio::time::{Instant, advance, sleep_until};
use tokio_stream::wrappers::ReceiverStream;
use tokio_test::task;

const SPIN_OR_LOST: &str = "the batching stream never finished (while it waits, poll_next \
    must poll the upstream and, with a batch open, its `Sleep` with `cx`, and return Pending \
    without waking itself)";

const BUSY: &str = "returned Pending and woke its own task at once: a busy loop. The \
    executor polls it again immediately, over and over, for as long as it waits, burning a \
    core (and on the paused clock, time cannot even move on). Return Pending only after \
    polling the upstream and the open batch's Sleep with `cx`: they wake the task when \
    there is something to do.";

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// Batches as they went out: (virtual ms since the start, the item numbers).
type Timeline = Vec<(u64, Vec<usize>)>;

/// The upstream of a timing test: item `k` arrives at `arrivals[k]` ms, and
/// the upstream ends (its sender is dropped) at `end` ms.
struct Upstream<'a> {
    arrivals: &'a [u64],
    end: u64,
}

/// The batches of a `BatchTimeout` with `max` and `wait_ms`, made at 0 ms and
/// first polled at `first_poll` ms, over `upstream`; and when it ended.
fn batches(upstream: Upstream, max: usize, wait_ms: u64, first_poll: u64) -> (Timeline, u64) {
    let arrivals = upstream.arrivals.to_vec();
    let end = upstream.end;
    assert!(
        arrivals.iter().all(|&at| at <= end),
        "test bug: items after the end"
    );
    support::paused(SPIN_OR_LOST, move || async move {
        let start = Instant::now();
        let since_start = move || (Instant::now() - start).as_millis() as u64;
        // Room for every item: each one is in the channel at its instant,
        // whether or not the stream under test is polling.
        let (tx, rx) = mpsc::channel(arrivals.len().max(1));
        tokio::spawn(async move {
            for (k, at) in arrivals.into_iter().enumerate() {
                sleep_until(start + ms(at)).await;
                if tx.send(k).await.is_err() {
                    return; // the stream under test is gone
                }
            }
            sleep_until(start + ms(end)).await;
            // `tx` is dropped here: the upstream ends at `end`.
        });
        let batcher = trace(BatchTimeout::new(ReceiverStream::new(rx), max, ms(wait_ms)));
        sleep_until(start + ms(first_poll)).await;
        let mut batcher = spin_guard(batcher);
        let mut timeline = Vec::new();
        while let Some(batch) = batcher.next().await {
            timeline.push((since_start(), batch));
        }
        (timeline, since_start())
    })
}

/// Passes `stream` through, but fails the test with a message if it is polled
/// absurdly often: a stream that wakes itself while it waits would otherwise
/// keep the paused clock frozen and the test running until the watchdog ends it.
fn spin_guard<S: Stream + Unpin>(mut stream: S) -> impl Stream<Item = S::Item> + Unpin {
    let mut polls = 0u32;
    stream::poll_fn(move |cx| {
        polls += 1;
        assert!(
            polls < 100_000,
            "poll_next was called {polls} times without the paused clock moving on: it wakes \
             its own task while it waits (a busy loop). Return Pending only after polling \
             the upstream and the open batch's Sleep with `cx`: they wake the task when \
             there is progress."
        );
        stream.poll_next_unpin(cx)
    })
}

/// What the contract says, for an upstream like `batches`' polled from 0 ms:
/// a batch opens at its first item's arrival t; it takes the items that arrive
/// before t + wait, up to `max`; it goes out at its `max`-th item's arrival if
/// it fills up, else at the upstream's end if that comes first, else at t + wait.
fn expected(upstream: &Upstream, max: usize, wait: u64) -> Timeline {
    let arrivals = upstream.arrivals;
    let mut timeline = Vec::new();
    let mut next = 0;
    while next < arrivals.len() {
        let deadline = arrivals[next] + wait;
        let mut batch = Vec::new();
        while next < arrivals.len() && arrivals[next] < deadline && batch.len() < max {
            batch.push(next);
            next += 1;
        }
        let at = if batch.len() == max {
            arrivals[next - 1]
        } else if next == arrivals.len() && upstream.end < deadline {
            upstream.end
        } else {
            deadline
        };
        timeline.push((at, batch));
    }
    timeline
}

/// Every item number of a timeline, in the order they went out.
fn items(timeline: &Timeline) -> Vec<usize> {
    timeline
        .iter()
        .flat_map(|(_, batch)| batch.clone())
        .collect()
}

fn assert_items_all_there(timeline: &Timeline, count: usize) {
    assert_eq!(
        items(timeline),
        (0..count).collect::<Vec<_>>(),
        "the upstream sent items 0..{count}; the batches must hold each of them once, in \
         order (got the batches {timeline:?}, as (ms, items) pairs). Batching groups items, \
         it never drops, repeats or reorders them."
    );
}

#[test]
fn a_partial_batch_goes_out_wait_after_its_first_item() {
    let upstream = Upstream {
        arrivals: &[0, 30, 60],
        end: 500,
    };
    let (timeline, ended_at) = batches(upstream, 10, 100, 0);
    assert_items_all_there(&timeline, 3);
    assert_eq!(
        timeline,
        [(100, vec![0, 1, 2])],
        "items arrived at 0, 30 and 60 ms, max 10, wait 100 ms, and the upstream stayed open \
         until 500 ms (got (ms, items) pairs): the batch never fills up, so it must go out \
         when `wait` has passed since its first item, at 100 ms. A batch that goes out only \
         when it is full (or when the upstream ends) never goes out on time; one whose timer \
         is reset at every item (an idle timeout) waits for a pause, and a steady trickle \
         holds it back."
    );
    assert_eq!(
        ended_at, 500,
        "the stream should end when the upstream ends"
    );
}

#[test]
fn a_batch_goes_out_the_moment_it_has_max_items() {
    let upstream = Upstream {
        arrivals: &[0, 10, 20, 30, 40],
        end: 500,
    };
    let (timeline, _) = batches(upstream, 3, 100, 0);
    assert_items_all_there(&timeline, 5);
    assert_eq!(
        timeline,
        [(20, vec![0, 1, 2]), (130, vec![3, 4])],
        "items arrived at 0, 10, 20, 30 and 40 ms, max 3, wait 100 ms (got (ms, items) \
         pairs): the first batch is full with its third item, at 20 ms, and goes out at \
         once, without waiting for its deadline. Item 3 (at 30 ms) opens the next batch, \
         whose own timer ends at 130 ms. A full batch's timer is done with: the next batch \
         starts a new one."
    );
}

#[test]
fn batches_hold_at_most_max_items() {
    let upstream = Upstream {
        arrivals: &[0; 10],
        end: 1000,
    };
    let (timeline, _) = batches(upstream, 3, 100, 0);
    assert_items_all_there(&timeline, 10);
    let sizes: Vec<usize> = timeline.iter().map(|(_, batch)| batch.len()).collect();
    assert!(
        sizes.iter().all(|&size| size <= 3),
        "max is 3, but the batches held {sizes:?} items: a batch must hold at most `max` \
         items (off by one? it goes out as soon as it has `max`, not when it has more)"
    );
    assert_eq!(
        timeline,
        [
            (0, vec![0, 1, 2]),
            (0, vec![3, 4, 5]),
            (0, vec![6, 7, 8]),
            (100, vec![9])
        ],
        "ten items ready at 0 ms, max 3, wait 100 ms (got (ms, items) pairs): three full \
         batches at once, at 0 ms, and the last item alone when its wait is over, at 100 ms"
    );
}

#[test]
fn the_timer_starts_at_the_first_item_not_at_new_or_the_first_poll() {
    let upstream = Upstream {
        arrivals: &[70, 120, 200],
        end: 400,
    };
    // Made at 0 ms, first polled at 30 ms; the first item arrives at 70 ms.
    let (timeline, _) = batches(upstream, 10, 100, 30);
    assert_items_all_there(&timeline, 3);
    // When the first batch went out says when its timer started.
    let diagnosis = match timeline.first() {
        Some((100, _)) => {
            "Yours went out at 100 ms, `wait` after `new`: its timer was started in `new`, \
             before any batch was open."
        }
        Some((130, _)) => {
            "Yours went out at 130 ms, `wait` after the first poll: its timer was started \
             when the stream was first polled, before any item had arrived."
        }
        _ => "",
    };
    assert_eq!(
        timeline,
        [(170, vec![0, 1]), (300, vec![2])],
        "the stream was made at 0 ms and first polled at 30 ms; items arrived at 70, 120 and \
         200 ms; max 10, wait 100 ms (got (ms, items) pairs). The first batch opens with its \
         first item, at 70 ms, so it goes out at 170 ms (not at 100 ms, `wait` after `new`, \
         nor at 130 ms, `wait` after the first poll). Start the timer when a batch gets its \
         first item. {diagnosis}"
    );
}

#[test]
fn the_timer_starts_at_the_first_item_of_each_batch_not_at_the_last_flush() {
    let upstream = Upstream {
        arrivals: &[0, 130, 250],
        end: 600,
    };
    let (timeline, _) = batches(upstream, 10, 100, 0);
    assert_items_all_there(&timeline, 3);
    assert_eq!(
        timeline,
        [(100, vec![0]), (230, vec![1]), (350, vec![2])],
        "items arrived at 0, 130 and 250 ms, max 10, wait 100 ms (got (ms, items) pairs). \
         Each batch waits `wait` from its own first item: 100, 230 and 350 ms. A timer \
         restarted when a batch goes out counts from the flush (100 ms) instead of the \
         next batch's first item (130 ms): the times drift. After a flush no batch is \
         open, and there is no timer until the next item arrives."
    );
}

#[test]
fn an_item_arriving_at_the_deadline_goes_into_the_next_batch() {
    let upstream = Upstream {
        arrivals: &[0, 100, 200],
        end: 1000,
    };
    let (timeline, _) = batches(upstream, 10, 100, 0);
    assert_items_all_there(&timeline, 3);
    assert_eq!(
        timeline,
        [(100, vec![0]), (200, vec![1]), (300, vec![2])],
        "items arrived at 0, 100 and 200 ms, max 10, wait 100 ms (got (ms, items) pairs). \
         Each item arrives exactly when the batch before it is due: it opens the next batch."
    );

    // The same instant, polled by hand: the item is already in the channel
    // when the stream is polled at the deadline.
    support::paused(SPIN_OR_LOST, || async {
        let (tx, rx) = mpsc::channel(8);
        let mut batcher = task::spawn(trace(BatchTimeout::new(
            ReceiverStream::new(rx),
            10,
            ms(100),
        )));
        tx.try_send(1).unwrap();
        assert!(
            batcher.poll_next().is_pending(),
            "one item, max 10, wait 100 ms: the batch is open and waits (Pending)"
        );
        advance(ms(100)).await;
        assert!(
            batcher.is_woken(),
            "the open batch's 100 ms are over, but the task was not woken: a lost wake-up"
        );
        tx.try_send(2).unwrap();
        assert_eq!(
            batcher.poll_next(),
            Poll::Ready(Some(vec![1])),
            "item 1 opened a batch at 0 ms; at 100 ms, its deadline, item 2 arrived, and then \
             the stream was polled. The batch's time is up, so it goes out as it is, [1]: \
             item 2 came too late for it and opens the next batch. Check the deadline before \
             taking more items from the upstream (`chunks_timeout`, or `timeout_at` around \
             `next()`, takes the waiting item first and gives [1, 2])."
        );
        assert!(
            batcher.poll_next().is_pending(),
            "item 2 opened a new batch at 100 ms: it waits for its own deadline (Pending)"
        );
        advance(ms(99)).await;
        assert!(
            !batcher.is_woken(),
            "item 2's batch opened at 100 ms and was woken 99 ms later, before its deadline \
             (is its timer counted from the deadline of the batch before?)"
        );
        advance(ms(1)).await;
        assert!(
            batcher.is_woken(),
            "item 2's batch opened at 100 ms, and its 100 ms are over, but the task was not \
             woken: a lost wake-up"
        );
        assert_eq!(batcher.poll_next(), Poll::Ready(Some(vec![2])));
    });
}

#[test]
fn never_emits_an_empty_batch() {
    let upstream = Upstream {
        arrivals: &[0, 10, 300, 700, 710],
        end: 1500,
    };
    let (timeline, _) = batches(upstream, 2, 100, 0);
    if let Some((at, _)) = timeline.iter().find(|(_, batch)| batch.is_empty()) {
        panic!(
            "an empty batch went out at {at} ms (batches: {timeline:?}, as (ms, items) pairs). \
             Items arrived at 0, 10, 300, 700 and 710 ms, max 2, wait 100 ms: the batches that \
             filled up at 10 and 710 ms took their timers with them. A timer that still runs \
             after its batch went out (or one that runs while no batch is open) finds nothing \
             to send when it fires: a batch is never empty."
        );
    }
    assert_items_all_there(&timeline, 5);
    assert_eq!(
        timeline,
        [(10, vec![0, 1]), (400, vec![2]), (710, vec![3, 4])],
        "items arrived at 0, 10, 300, 700 and 710 ms, max 2, wait 100 ms (got (ms, items) \
         pairs): a full batch at 10 ms, item 2 alone `wait` after it arrived (400 ms), and a \
         full batch at 710 ms. Each batch's timer starts with its own first item, and a full \
         batch goes out at once."
    );
}

#[test]
fn a_quiet_upstream_has_no_timer_running() {
    support::paused(SPIN_OR_LOST, || async {
        let (tx, rx) = mpsc::channel(8);
        let mut batcher = task::spawn(trace(BatchTimeout::new(
            ReceiverStream::new(rx),
            3,
            ms(100),
        )));
        assert!(
            batcher.poll_next().is_pending(),
            "nothing has arrived: no batch, Pending"
        );
        assert!(!batcher.is_woken(), "with nothing to do, the stream {BUSY}");
        advance(ms(1000)).await;
        assert!(
            !batcher.is_woken(),
            "nothing arrived for 1000 ms (wait 100 ms), yet the stream's task was woken: a \
             timer runs while no batch is open (one started by `new`, or an interval?). The \
             timer belongs to a batch: it starts with the batch's first item."
        );

        tx.send(1).await.unwrap();
        assert!(
            batcher.is_woken(),
            "an item arrived: the task should be woken"
        );
        assert!(
            batcher.poll_next().is_pending(),
            "one item, max 3: the batch is open and waits (Pending)"
        );
        advance(ms(100)).await;
        assert!(
            batcher.is_woken(),
            "the open batch's 100 ms are over, but the task was not woken: a lost wake-up"
        );
        assert_eq!(batcher.poll_next(), Poll::Ready(Some(vec![1])));

        assert!(
            batcher.poll_next().is_pending(),
            "the batch went out and nothing more arrived: Pending"
        );
        advance(ms(1000)).await;
        assert!(
            !batcher.is_woken(),
            "after a batch went out at its deadline, nothing arrived for 1000 ms (wait 100 \
             ms), yet the stream's task was woken: a timer was started again when the batch \
             went out. Once a batch is out no batch is open, and there is no timer until the \
             next item."
        );
    });
}

#[test]
fn flushes_the_last_partial_batch_when_the_upstream_ends() {
    let upstream = Upstream {
        arrivals: &[0, 10, 200, 220],
        end: 250,
    };
    let (timeline, ended_at) = batches(upstream, 3, 100, 0);
    assert!(
        items(&timeline).len() == 4,
        "the upstream sent 4 items and ended at 250 ms while a batch of 2 was open (max 3, \
         wait 100 ms), but the batches were {timeline:?} (as (ms, items) pairs): the last \
         partial batch was lost. When the upstream ends, the batch being filled goes out \
         first, then the stream ends."
    );
    assert_items_all_there(&timeline, 4);
    assert_eq!(
        (timeline, ended_at),
        (vec![(100, vec![0, 1]), (250, vec![2, 3])], 250),
        "items arrived at 0, 10, 200 and 220 ms, max 3, wait 100 ms, and the upstream ended \
         at 250 ms (got the (ms, items) pairs and the time the stream ended): when the \
         upstream ends, the open batch goes out at once, at 250 ms, without waiting for its \
         deadline (300 ms), and the stream ends right after it"
    );
}

#[test]
fn keeps_returning_none_and_never_polls_an_ended_upstream() {
    support::paused(SPIN_OR_LOST, || async {
        // Yields 1 and 2, then ends, and refuses to be polled after its end, as
        // a stream may: after `None`, the `Stream` trait promises nothing.
        let mut next = 1;
        let upstream = stream::poll_fn(move |_| {
            let item = match next {
                1 | 2 => Some(next),
                3 => None,
                _ => panic!(
                    "the upstream was polled again after it had returned None. A stream \
                     that has ended may panic, block or start over when polled again, so \
                     remember that it ended (and return None yourself from then on)."
                ),
            };
            next += 1;
            Poll::Ready(item)
        });
        let mut batcher = task::spawn(trace(BatchTimeout::new(upstream, 5, ms(100))));
        assert_eq!(
            batcher.poll_next(),
            Poll::Ready(Some(vec![1, 2])),
            "the upstream gave 1 and 2 and ended at once: the last batch goes out at once"
        );
        for poll in 1..=3 {
            assert_eq!(
                batcher.poll_next(),
                Poll::Ready(None),
                "after the last batch, the stream has ended: poll {poll} after it should \
                 return None, and so should every later one"
            );
        }
    });
}

#[test]
fn follows_the_batching_rule_on_a_long_irregular_upstream() {
    // Bursts and pauses: 60 items, gaps of 0 to 140 ms drawn from a fixed
    // pseudo-random sequence. Of its 27 batches, 7 fill up, 19 go out at their
    // deadline (7 of them with the next item arriving exactly then), and the
    // last one goes out when the upstream ends.
    const GAPS: [u64; 8] = [0, 0, 10, 20, 30, 50, 70, 140];
    let mut seed = 137u64;
    let arrivals: Vec<u64> = (0..60)
        .scan(0, |at, _| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            *at += GAPS[(seed >> 33) as usize % GAPS.len()];
            Some(*at)
        })
        .collect();
    let upstream = Upstream {
        arrivals: &arrivals,
        end: arrivals[59] + 10,
    };
    let want = expected(&upstream, 4, 50);
    assert_eq!(
        want.len(),
        27,
        "test bug: the arrivals are not the ones described"
    );
    let (timeline, _) = batches(upstream, 4, 50, 0);
    assert_items_all_there(&timeline, arrivals.len());
    let first_wrong = timeline
        .iter()
        .zip(&want)
        .position(|(got, want)| got != want)
        .or((timeline.len() != want.len()).then(|| timeline.len().min(want.len())));
    if let Some(b) = first_wrong {
        let show = |batch: Option<&(u64, Vec<usize>)>| match batch {
            Some((at, items)) => format!("{items:?} at {at} ms"),
            None => "nothing".to_owned(),
        };
        let arrived: Vec<u64> = want
            .get(b)
            .map(|(_, batch)| batch.iter().map(|&k| arrivals[k]).collect())
            .unwrap_or_default();
        let next_arrival = want.get(b + 1).map_or("none".to_owned(), |(_, batch)| {
            format!("{} ms", arrivals[batch[0]])
        });
        panic!(
            "batch {b} went out as {}; expected {}. Max 4, wait 50 ms; the expected batch's \
             items arrived at {arrived:?} ms, and the item after them at {next_arrival}. A \
             batch opens with its first item, takes the items that arrive before that item's \
             arrival + wait, up to max, and goes out when it is full or when its time is up. \
             All batches, as (ms, items): {timeline:?}",
            show(timeline.get(b)),
            show(want.get(b)),
        );
    }
}

#[test]
fn waits_for_the_deadline_without_spinning_and_is_woken_at_it() {
    support::paused(SPIN_OR_LOST, || async {
        let (tx, rx) = mpsc::channel(8);
        let mut batcher = task::spawn(trace(BatchTimeout::new(
            ReceiverStream::new(rx),
            3,
            ms(100),
        )));
        tx.try_send(1).unwrap();
        assert!(
            batcher.poll_next().is_pending(),
            "one item, max 3, wait 100 ms: the batch is open and waits (Pending)"
        );
        assert!(
            !batcher.is_woken(),
            "while its batch waits for the deadline, the stream {BUSY}"
        );
        advance(ms(99)).await;
        assert!(
            !batcher.is_woken(),
            "the task was woken 99 ms into a 100 ms wait: too early"
        );
        advance(ms(1)).await;
        assert!(
            batcher.is_woken(),
            "the open batch's 100 ms are over, but the task was not woken: a lost wake-up, \
             and an awaiting consumer would hang. Returning Pending is only safe after \
             polling something that registered `cx`'s waker: the batch's Sleep too, on the \
             very poll that created it (`deadline.as_mut().poll(cx)`), not only on the next \
             one."
        );
        assert_eq!(
            batcher.poll_next(),
            Poll::Ready(Some(vec![1])),
            "after its wait, the partial batch goes out"
        );
    });
}

#[test]
fn a_pending_upstream_wakes_the_consumer() {
    support::paused(SPIN_OR_LOST, || async {
        let (tx, rx) = mpsc::channel(8);
        let mut batcher = task::spawn(trace(BatchTimeout::new(
            ReceiverStream::new(rx),
            3,
            ms(100),
        )));
        assert!(
            batcher.poll_next().is_pending(),
            "the upstream has no item yet: Pending"
        );
        assert!(
            !batcher.is_woken(),
            "with the upstream Pending, the stream {BUSY}"
        );
        for item in 1..=3 {
            tx.send(item).await.unwrap();
            assert!(
                batcher.is_woken(),
                "the upstream was Pending, then got item {item}, but the consumer's task was \
                 not woken: poll the upstream with the same `cx` you were given, so its \
                 wake-up reaches the consumer"
            );
            if item < 3 {
                assert!(
                    batcher.poll_next().is_pending(),
                    "{item} of max 3 items, wait not over: the batch waits (Pending)"
                );
            }
        }
        assert_eq!(
            batcher.poll_next(),
            Poll::Ready(Some(vec![1, 2, 3])),
            "the third item fills the batch: it goes out at once"
        );
    });
}

#[test]
fn polls_a_bounded_number_of_times_per_batch() {
    let polls = support::paused(SPIN_OR_LOST, || async {
        let start = Instant::now();
        let (tx, rx) = mpsc::channel(8);
        tokio::spawn(async move {
            for (k, at) in [0, 200, 400, 600].into_iter().enumerate() {
                sleep_until(start + ms(at)).await;
                let _ = tx.send(k).await;
            }
        });
        let mut batcher = BatchTimeout::new(ReceiverStream::new(rx), 10, ms(100));
        let mut polls = 0;
        let mut batches = 0;
        std::future::poll_fn(|cx| {
            loop {
                polls += 1;
                assert!(
                    polls < 100_000,
                    "poll_next was called {polls} times without the paused clock moving on: \
                     it wakes its own task while it waits (a busy loop)"
                );
                match std::pin::Pin::new(&mut batcher).poll_next(cx) {
                    Poll::Ready(Some(_)) => batches += 1,
                    Poll::Ready(None) => return Poll::Ready(()),
                    Poll::Pending => return Poll::Pending,
                }
            }
        })
        .await;
        assert_eq!(
            batches, 4,
            "four items 200 ms apart, max 10, wait 100 ms: each one is a batch of its own, \
             out 100 ms after it arrived, so four batches"
        );
        polls
    });
    assert!(
        polls <= 4 * 4 + 2,
        "four batches that each wait for their deadline took {polls} polls; a stream that \
         waits on the upstream and its timer needs about three per batch (one that opens \
         it, one when the timer wakes it, one that finds nothing more). Many more means it \
         is woken while nothing has changed: a busy loop."
    );
}

#[test]
fn max_of_zero_panics_at_new() {
    support::paused(SPIN_OR_LOST, || async {
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
            let _never_polled = BatchTimeout::new(stream::iter([1, 2, 3]), 0, ms(100));
        }));
        let payload = match outcome {
            Ok(()) => panic!(
                "BatchTimeout::new(stream, 0, wait) returned a stream; a batch of at most 0 \
                 items can never hold an item, so `new` should refuse it with a panic, with \
                 a message saying `max` must be at least 1"
            ),
            Err(payload) => support::unless_todo(payload),
        };
        let message = support::panic_message(&*payload);
        assert!(
            message.contains("must be at least 1"),
            "BatchTimeout::new with max 0 panicked, but its message {message:?} should say \
             `max` \"must be at least 1\", so the caller learns what was wrong"
        );
    });
}

#[test]
fn is_unpin_when_its_upstream_is() {
    fn assert_unpin<T: Unpin>(_: &T) {}
    let batches: Vec<Vec<u8>> = support::paused(SPIN_OR_LOST, || async {
        let (tx, rx) = mpsc::channel(4);
        let batcher = trace(BatchTimeout::new(ReceiverStream::new(rx), 2, ms(10)));
        // Compiles only if `BatchTimeout<ReceiverStream<_>>` is `Unpin`.
        assert_unpin(&batcher);
        for item in 1..=3 {
            tx.send(item).await.unwrap();
        }
        drop(tx);
        // `spin_guard` (like `next()`) needs `Unpin`: no pinning by the caller.
        spin_guard(batcher).collect().await
    });
    assert_eq!(
        batches,
        [vec![1, 2], vec![3]],
        "items 1, 2 and 3, max 2, then the upstream ended: a full batch [1, 2], then the last \
         partial batch [3]"
    );
}
