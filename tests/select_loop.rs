//! Hidden suite for `select_loop`: a `select!` loop that buffers items and
//! flushes them on a fixed period, until the channel closes or shutdown.
//!
//! Contract: `flush_loop(items, shutdown, period, flush)` receives every item
//! into a buffer and calls `flush(buffer)` at each tick: `period`,
//! `2·period`, … after the loop starts (its first poll), on that grid whatever
//! the items do (not counted from the first item, not restarted by an item or
//! a flush); a tick with an empty buffer calls nothing. Every item received is
//! flushed exactly once, in order, in non-empty batches, whichever branch of
//! the `select!` wins. When every sender is gone (and the channel is empty),
//! it flushes what it has, at once, and returns. When `shutdown` is cancelled,
//! it takes no more items, not even ones already waiting in the channel (so
//! with the token cancelled before the first poll it takes none), flushes
//! what it has, at once, and returns. A loop that is not polled at a tick
//! (its task was busy) flushes at its next poll, and the next flush is still
//! due at the next point of the grid. While it waits it neither spins nor
//! loses a wake-up, after the channel closed included. Dropped at any point,
//! it keeps nothing running: what it flushed so far is what an undisturbed
//! run had flushed by then, and the receiver and `flush` are dropped with it.
//!
//! Everything runs on tokio's paused clock: sleeps end instantly, in order, and
//! every timestamp below is exact virtual time in milliseconds since the start.
//! The items come from a task that sends item k (the number k) at a fixed
//! instant; items at 0 ms are in the channel before the loop starts. No item
//! arrives at the very instant of a tick, of the close or of the shutdown
//! (except in the test about items waiting at shutdown, where that is the
//! point): which side of a tick such an item falls is left open.

// The code under test, compiled into this suite: your `exercises/src/select_loop.rs`,
// or the reference solution with `cargo test --features solutions`.
#[cfg_attr(not(feature = "solutions"), path = "../exercises/src/select_loop.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/src/select_loop.rs")]
mod select_loop;

use std::cell::RefCell;
use std::future::{Future, poll_fn};
use std::pin::pin;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use select_loop::flush_loop;
use support::Dropped;
use support::trace;
use tokio::sync::mpsc;
use tokio::time::{Instant, advance, sleep_until};
use tokio_test::task;
use tokio_util::sync::CancellationToken;

const NEVER_FINISHED: &str = "the test never finished (while it waits, the loop must be \
    in one `select!` over the shutdown, its timer and `recv`, all polled with the task's \
    waker, and must not wake itself)";

const PERIOD: u64 = 100;

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// Flushes as they were made: (virtual ms since the start, the batch).
type Timeline = Vec<(u64, Vec<u32>)>;

/// How the test ends the loop's input.
#[derive(Clone, Copy, Debug)]
enum End {
    /// Every sender is dropped at this instant.
    Close(u64),
    /// The token is cancelled at this instant (the channel stays open).
    Shutdown(u64),
}

impl End {
    fn at(self) -> u64 {
        match self {
            End::Close(at) | End::Shutdown(at) => at,
        }
    }
}

/// Sends item k at `arrivals[k]` ms (the ones at 0 are already sent), and
/// ends the input at `end`. Items at the end's instant are sent before it.
async fn producer(
    start: Instant,
    arrivals: Vec<(u32, u64)>,
    tx: mpsc::Sender<u32>,
    end: End,
    token: CancellationToken,
) {
    let mut tx = Some(tx);
    let mut ended = false;
    for (k, at) in arrivals {
        if at > end.at() && !ended {
            wait_until(start, end.at()).await;
            ended = true;
            match end {
                End::Close(_) => tx = None,
                End::Shutdown(_) => token.cancel(),
            }
        }
        wait_until(start, at).await;
        let Some(sender) = &tx else { return };
        if sender.try_send(k).is_err() {
            return; // the loop has returned (or was dropped)
        }
    }
    if !ended {
        wait_until(start, end.at()).await;
        match end {
            End::Close(_) => drop(tx),
            End::Shutdown(_) => token.cancel(),
        }
    }
}

/// Sleeps until `at` ms after `start`, without yielding if that is now.
async fn wait_until(start: Instant, at: u64) {
    if Instant::now() < start + ms(at) {
        sleep_until(start + ms(at)).await;
    }
}

/// Awaits `future`, but fails the test with a message if it is polled absurdly
/// often at one instant: a loop that keeps itself busy would otherwise keep the
/// paused clock frozen until the watchdog ends the test.
async fn spin_guard<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut at = Instant::now();
    let mut polls = 0u32;
    poll_fn(|cx| {
        if Instant::now() != at {
            at = Instant::now();
            polls = 0;
        }
        polls += 1;
        assert!(
            polls < 1_000,
            "the loop was polled {polls} times without the paused clock moving on: a busy \
             loop, it never waits. Two classic causes: a `recv()` branch whose `None` (the \
             channel has closed) does not end the loop, so it is ready at once on every \
             turn; or a `Sleep` that fired and was not reset, so it too is ready at once, \
             forever (reset it at every tick, flush or no flush)."
        );
        future.as_mut().poll(cx)
    })
    .await
}

/// A `flush` that records (ms since `start`, batch) in `flushes`.
fn recorder(start: Instant, flushes: &Rc<RefCell<Timeline>>) -> impl FnMut(Vec<u32>) + use<> {
    let flushes = Rc::clone(flushes);
    move |batch| {
        let at = (Instant::now() - start).as_millis() as u64;
        flushes.borrow_mut().push((at, batch));
    }
}

/// What a loop with a 100 ms period did.
#[derive(Debug)]
struct Run {
    flushes: Timeline,
    /// When it returned; `None` if it had not 1000 ms after the end.
    returned: Option<u64>,
}

/// Runs a loop with a 100 ms period from 0 ms, fed item k at `arrivals[k]` ms,
/// until `end`, and watches it until 1000 ms after the end.
fn run(arrivals: &[u64], end: End) -> Run {
    let arrivals = arrivals.to_vec();
    support::paused(NEVER_FINISHED, move || async move {
        let start = Instant::now();
        let (tx, rx) = mpsc::channel(arrivals.len().max(1));
        let token = CancellationToken::new();
        let mut later = Vec::new();
        for (k, &at) in arrivals.iter().enumerate() {
            if at == 0 {
                tx.try_send(k as u32).expect("room for every item");
            } else {
                later.push((k as u32, at));
            }
        }
        if let End::Shutdown(0) = end {
            token.cancel();
        }
        tokio::spawn(producer(start, later, tx, end, token.clone()));
        let flushes = Rc::new(RefCell::new(Vec::new()));
        let looped = spin_guard(trace(flush_loop(
            rx,
            token,
            ms(PERIOD),
            recorder(start, &flushes),
        )));
        let returned = tokio::select! {
            biased;
            () = sleep_until(start + ms(end.at() + 1000)) => None,
            () = looped => Some((Instant::now() - start).as_millis() as u64),
        };
        Run {
            flushes: flushes.take(),
            returned,
        }
    })
}

/// The contract's flushes, with a 100 ms period: at each tick before the end,
/// the items that arrived since the last tick (if any); at the end, the rest
/// that arrived before it (if any).
fn expected(arrivals: &[u64], end: End) -> Timeline {
    let mut timeline = Vec::new();
    let mut next = 0;
    let mut flush_up_to = |at: u64, timeline: &mut Timeline| {
        let mut batch = Vec::new();
        while next < arrivals.len() && arrivals[next] < at {
            batch.push(next as u32);
            next += 1;
        }
        if !batch.is_empty() {
            timeline.push((at, batch));
        }
    };
    let mut tick = PERIOD;
    while tick < end.at() {
        flush_up_to(tick, &mut timeline);
        tick += PERIOD;
    }
    flush_up_to(end.at(), &mut timeline);
    timeline
}

/// Every item of `flushes`, in the order they were flushed.
fn items(flushes: &Timeline) -> Vec<u32> {
    flushes
        .iter()
        .flat_map(|(_, batch)| batch.clone())
        .collect()
}

/// Fails with a message naming the mistake if a batch is empty, or if the
/// items flushed are not `0..count`, each once, in order.
fn assert_every_item_once_in_order(flushes: &Timeline, count: usize) {
    if let Some((at, _)) = flushes.iter().find(|(_, batch)| batch.is_empty()) {
        panic!(
            "flush was called with an empty batch at {at} ms (all flushes, as (ms, batch): \
             {flushes:?}). An empty flush: a tick with nothing in the buffer calls nothing \
             (check `buffer.is_empty()` first), and neither does the end of a loop with an \
             empty buffer."
        );
    }
    let got = items(flushes);
    let want: Vec<u32> = (0..count as u32).collect();
    if got == want {
        return;
    }
    let missing: Vec<u32> = want.iter().copied().filter(|k| !got.contains(k)).collect();
    let twice: Vec<u32> = want
        .iter()
        .copied()
        .filter(|k| got.iter().filter(|g| *g == k).count() > 1)
        .collect();
    let why = if !missing.is_empty() {
        format!(
            "items {missing:?} were never flushed: taken from the channel and then lost when \
             another branch won. `select!` drops the branches that lose, on every turn of the \
             loop; a branch that holds items across an `.await` (gathering several into a \
             local Vec, say) loses them then. Take one item per turn with `recv()`, which is \
             cancel safe, and keep the buffer outside the `select!`."
        )
    } else if !twice.is_empty() {
        format!(
            "items {twice:?} were flushed twice: empty the buffer when you flush it \
             (`std::mem::take`)"
        )
    } else {
        "the items came out of order: keep them in the order received".to_owned()
    };
    panic!(
        "the channel carried items 0..{count}, and every one must be flushed exactly once, \
         in order; {why} (all flushes, as (ms, batch): {flushes:?})"
    );
}

#[test]
fn flushes_every_period_counted_from_the_start_not_from_the_first_item() {
    let arrivals = [40, 70, 250];
    let end = End::Close(430);
    let got = run(&arrivals, end);
    assert_every_item_once_in_order(&got.flushes, arrivals.len());
    assert_eq!(
        got.flushes,
        expected(&arrivals, end),
        "period 100 ms, the loop started at 0 ms; items at 40, 70 and 250 ms (got the \
         flushes as (ms, batch)). The ticks are at 100, 200, 300, 400 ms after the loop \
         started, whatever the items do: [0, 1] at 100 ms (not 140, a period after the \
         first item), and [2] at 300 ms (not 350, a period after its arrival). Make the \
         timer once, before the loop, and move it on from tick to tick."
    );
}

#[test]
fn the_period_does_not_restart_at_each_item() {
    // An item every 30 ms, from 15 ms: never 100 ms of quiet.
    let arrivals: Vec<u64> = (0..12).map(|k| 15 + 30 * k).collect();
    let end = End::Close(370);
    let got = run(&arrivals, end);
    assert_every_item_once_in_order(&got.flushes, arrivals.len());
    assert_eq!(
        got.flushes,
        expected(&arrivals, end),
        "period 100 ms; an item every 30 ms from 15 ms to 345 ms, the channel closed at \
         370 ms (got the flushes as (ms, batch)). Flushes belong at 100, 200 and 300 ms, and \
         the rest at the close. If nothing came out before the close, the period restarted \
         at each item: a `sleep(period)` written inside `select!` is a new timer on every \
         turn of the loop, and each item starts a new turn, so with items closer together \
         than the period it never fires. Make one `Sleep` before the loop, pin it, poll it \
         by `&mut`, and `reset` it at each tick."
    );
}

#[test]
fn items_waiting_at_the_start_wait_for_the_first_tick() {
    // Items 0 and 1 are in the channel before the loop starts.
    let arrivals = [0, 0, 30];
    let end = End::Close(250);
    let got = run(&arrivals, end);
    assert_every_item_once_in_order(&got.flushes, arrivals.len());
    assert_eq!(
        got.flushes,
        expected(&arrivals, end),
        "period 100 ms; items 0 and 1 waited in the channel when the loop started, item 2 \
         came at 30 ms, the channel closed at 250 ms (got the flushes as (ms, batch)). The \
         first tick is one period after the start: all three at 100 ms. A flush at 0 ms \
         comes from `tokio::time::interval`, whose first tick completes at once; \
         `interval_at(Instant::now() + period, period)`, or a `sleep(period)`, starts a \
         period later."
    );
}

#[test]
fn an_empty_buffer_is_never_flushed() {
    let arrivals = [10];
    let end = End::Close(450);
    let got = run(&arrivals, end);
    assert_every_item_once_in_order(&got.flushes, arrivals.len());
    assert_eq!(
        got.flushes,
        expected(&arrivals, end),
        "period 100 ms; one item at 10 ms, then quiet until the channel closed at 450 ms (got \
         the flushes as (ms, batch)): [0] at 100 ms, and nothing at 200, 300, 400 ms or at \
         the close, where the buffer is empty"
    );
    let got = run(&[], End::Close(250));
    assert_eq!(
        got.flushes,
        [],
        "no item at all, the channel closed at 250 ms: flush must never be called (an empty \
         flush)"
    );
}

#[test]
fn flushes_and_returns_at_once_when_the_channel_closes() {
    let arrivals = [20, 130, 160];
    let end = End::Close(190);
    let got = run(&arrivals, end);
    assert_every_item_once_in_order(&got.flushes, arrivals.len());
    assert!(
        got.returned.is_some(),
        "every sender was dropped at 190 ms, and 1000 ms later the loop had not returned \
         (flushes so far, as (ms, batch): {:?}). `recv()` gives `None` once the channel has \
         closed: that must end the loop. A branch `Some(item) = items.recv()` does not: \
         when the pattern does not match, `select!` disables the branch for that turn \
         only, goes on waiting for the timer, and on the next turn `recv()` gives `None` \
         again. An `else` branch runs only when every branch is disabled, and the timer \
         and the shutdown never are.",
        got.flushes
    );
    assert_eq!(
        (got.flushes, got.returned),
        (expected(&arrivals, end), Some(190)),
        "period 100 ms; items at 20, 130, 160 ms, every sender dropped at 190 ms (got the \
         flushes as (ms, batch), and when the loop returned): [0] at 100 ms, then [1, 2] at \
         190 ms, at once when the channel closed (not at the next tick), and the loop \
         returns then"
    );
}

#[test]
fn flushes_what_it_has_and_returns_at_once_on_shutdown() {
    // Items 3 and 4 would come after the shutdown: the loop is gone by then.
    let arrivals = [20, 130, 160, 230, 260];
    let end = End::Shutdown(190);
    let got = run(&arrivals, end);
    assert!(
        got.returned.is_some(),
        "shutdown was signalled at 190 ms, and 1000 ms later the loop had not returned: \
         wait for `shutdown.cancelled()` in the `select!` too"
    );
    assert_eq!(
        got.flushes,
        expected(&arrivals, end),
        "period 100 ms; items at 20, 130, 160 ms, shutdown at 190 ms (got the flushes as \
         (ms, batch)): [0] at 100 ms, then [1, 2] at 190 ms. If [1, 2] is missing, work was \
         lost at shutdown: the loop returned with items it had received and never flushed. \
         Flush what is in the buffer on the way out, however the loop ends."
    );
    assert_eq!(
        got.returned,
        Some(190),
        "shutdown was signalled at 190 ms: the loop flushes and returns at once, not at the \
         next tick"
    );
}

#[test]
fn shutdown_comes_before_items_waiting_in_the_channel() {
    // Twenty times: at 50 ms, items 1, 2, 3 are sent and the token is cancelled,
    // all before the loop runs again. With branches polled in random order, a
    // loop that takes an item first is caught with near certainty.
    for round in 0..20 {
        let got = run(&[10, 50, 50, 50], End::Shutdown(50));
        assert_eq!(
            (&got.flushes, got.returned),
            (&vec![(50, vec![0])], Some(50)),
            "round {round}: period 100 ms; item 0 came at 10 ms; at 50 ms items 1, 2, 3 were \
             sent and shutdown was signalled before the loop ran again (got the flushes as \
             (ms, batch), and when it returned). Shutdown comes first: the loop takes no item \
             once it is signalled, so [0] at 50 ms and nothing else. `select!` polls its \
             branches in a random order unless it starts with `biased;`, and then in the \
             order written: put the shutdown branch first."
        );
    }
    let got = run(&[0, 0], End::Shutdown(0));
    assert_eq!(
        (&got.flushes, got.returned),
        (&vec![], Some(0)),
        "the token was cancelled before the loop started, with items 0 and 1 waiting in the \
         channel (got the flushes as (ms, batch), and when it returned): shutdown comes \
         first, so the loop takes nothing, flushes nothing and returns at once"
    );
}

#[test]
fn every_item_is_flushed_once_in_order_whichever_branch_wins() {
    // Bursts and pauses: 80 items, gaps of 0 to 140 ms drawn from a fixed
    // pseudo-random sequence, none at a tick; the channel closes after them.
    const GAPS: [u64; 8] = [0, 0, 3, 10, 20, 30, 70, 140];
    let mut seed = 731u64;
    let mut at = 0;
    let mut arrivals = Vec::new();
    while arrivals.len() < 80 {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        at += GAPS[(seed >> 33) as usize % GAPS.len()];
        if at % PERIOD != 0 {
            arrivals.push(at);
        }
    }
    let last = *arrivals.last().unwrap();
    let end = End::Close(last + if (last + 7) % PERIOD == 0 { 8 } else { 7 });
    let want = expected(&arrivals, end);
    let got = run(&arrivals, end);
    assert_every_item_once_in_order(&got.flushes, arrivals.len());
    assert_eq!(
        (got.flushes.len(), got.returned),
        (want.len(), Some(end.at())),
        "80 items in bursts and pauses, period 100 ms, the channel closed at {} ms: {} \
         flushes expected (got {}), and the loop returning at the close (got {:?})",
        end.at(),
        want.len(),
        got.flushes.len(),
        got.returned
    );
    for (got, want) in got.flushes.iter().zip(&want) {
        assert_eq!(
            got, want,
            "a flush differs (got, expected), as (ms, batch): each tick at 100, 200, … ms \
             flushes the items that arrived since the last tick"
        );
    }
}

#[test]
fn a_late_loop_flushes_at_once_then_keeps_to_its_grid() {
    support::paused(NEVER_FINISHED, || async {
        let start = Instant::now();
        let (tx, rx) = mpsc::channel(8);
        let flushes = Rc::new(RefCell::new(Vec::new()));
        let token = CancellationToken::new();
        let mut looped = task::spawn(trace(flush_loop(
            rx,
            token,
            ms(PERIOD),
            recorder(start, &flushes),
        )));
        assert!(looped.poll().is_pending(), "at 0 ms: waiting");
        advance(ms(10)).await;
        tx.try_send(0).unwrap();
        assert!(looped.poll().is_pending(), "at 10 ms: item 0 received");
        // Its task is busy elsewhere: nobody polls the loop at 100, 200, 300 ms.
        advance(ms(340)).await;
        assert!(looped.poll().is_pending(), "at 350 ms: still running");
        assert_eq!(
            *flushes.borrow(),
            [(350, vec![0])],
            "period 100 ms; item 0 received at 10 ms, then the loop was not polled until \
             350 ms (its task was busy). Its 100 ms tick is long past: it flushes [0] at \
             once, at that poll (got the flushes as (ms, batch))"
        );
        advance(ms(10)).await;
        tx.try_send(1).unwrap();
        assert!(looped.poll().is_pending(), "at 360 ms: item 1 received");
        advance(ms(39)).await;
        assert!(looped.poll().is_pending(), "at 399 ms: still running");
        advance(ms(1)).await;
        assert!(looped.poll().is_pending(), "at 400 ms: still running");
        assert_eq!(
            *flushes.borrow(),
            [(350, vec![0]), (400, vec![1])],
            "period 100 ms, the loop started at 0 ms, was late for its ticks until 350 ms, \
             and received item 1 at 360 ms (got the flushes as (ms, batch)). After a late \
             flush the ticks stay on their grid: the next one is at 400 ms, not 450. A timer \
             reset to `Instant::now() + period` drifts by however late each tick was served \
             (as an `interval` with `MissedTickBehavior::Delay` does); reset it to \
             `deadline() + period`, the tick after the one that fired. (A `sleep(period)` \
             written inside the `select!` drifts the same way, and worse: it starts again at \
             every turn of the loop.)"
        );
    });
}

#[test]
fn is_woken_by_items_and_ticks_and_never_by_itself() {
    support::paused(NEVER_FINISHED, || async {
        let start = Instant::now();
        let (tx, rx) = mpsc::channel(8);
        let flushes = Rc::new(RefCell::new(Vec::new()));
        let token = CancellationToken::new();
        let mut looped = task::spawn(trace(flush_loop(
            rx,
            token,
            ms(PERIOD),
            recorder(start, &flushes),
        )));
        assert!(looped.poll().is_pending(), "at 0 ms: waiting");
        tokio::task::yield_now().await;
        assert!(
            !looped.is_woken(),
            "the loop returned Pending and its task was woken at once, with nothing to do: \
             a busy loop"
        );
        advance(ms(30)).await;
        tx.try_send(0).unwrap();
        assert!(
            looped.is_woken(),
            "an item was sent at 30 ms, but the loop's task was not woken: a lost wake-up. \
             Wait for the item with `items.recv()` inside the `select!`, so that the \
             channel holds the task's waker"
        );
        assert!(looped.poll().is_pending(), "at 30 ms: item 0 received");
        advance(ms(69)).await;
        assert!(
            !looped.is_woken(),
            "the loop's task was woken before 99 ms with nothing to do (period 100 ms)"
        );
        advance(ms(1)).await;
        assert!(
            looped.is_woken(),
            "the first tick, at 100 ms, did not wake the loop's task: a lost wake-up. Poll \
             the timer in the `select!`, so that it holds the task's waker"
        );
        assert!(looped.poll().is_pending(), "at 100 ms: flushed");
        assert_eq!(
            *flushes.borrow(),
            [(100, vec![0])],
            "[0] at the 100 ms tick"
        );
        // An empty tick.
        advance(ms(100)).await;
        assert!(looped.poll().is_pending(), "at 200 ms: still running");
        tokio::task::yield_now().await;
        assert!(
            !looped.is_woken(),
            "after the tick at 200 ms, with an empty buffer, the loop's task was woken again \
             at once: a busy loop. A `Sleep` that has fired is ready again every time it is \
             polled, until it is reset: reset it at every tick, also when there was nothing \
             to flush"
        );
        drop(tx);
        assert!(
            looped.is_woken(),
            "every sender was dropped at 200 ms, but the loop's task was not woken"
        );
        assert!(
            looped.poll().is_ready(),
            "every sender was dropped and the buffer is empty: the loop returns"
        );
        assert_eq!(*flushes.borrow(), [(100, vec![0])], "nothing more to flush");
    });
}

/// Counts the drops of the `flush` closure it is captured by.
struct DropCounter(Arc<AtomicUsize>);

impl Drop for DropCounter {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn dropping_the_loop_stops_it_and_loses_no_order() {
    const ARRIVALS: [u64; 7] = [30, 60, 90, 130, 160, 240, 310];
    const END: End = End::Shutdown(330);
    // Dropped after 0, 1, 2, … polls, until a run completes.
    support::drop_after_each_poll(
        "the loop",
        60,
        || {
            let start = Instant::now();
            let (tx, rx) = mpsc::channel(ARRIVALS.len());
            let token = CancellationToken::new();
            let arrivals = ARRIVALS.iter().enumerate();
            let arrivals = arrivals.map(|(k, &at)| (k as u32, at)).collect();
            tokio::spawn(producer(start, arrivals, tx.clone(), END, token.clone()));
            let flushes = Rc::new(RefCell::new(Vec::new()));
            let drops = Arc::new(AtomicUsize::new(0));
            let counter = DropCounter(Arc::clone(&drops));
            let mut record = recorder(start, &flushes);
            let flush = move |batch| {
                let _alive = &counter;
                record(batch);
            };
            let looped = trace(flush_loop(rx, token, ms(PERIOD), flush));
            ((flushes, drops, tx), looped)
        },
        |(flushes, drops, tx), how| {
            let want = expected(&ARRIVALS, END);
            let flushes = flushes.borrow();
            let when = match how {
                Dropped::AfterPolls(polls) => format!("dropped after {polls} polls"),
                Dropped::Completed { polls } => format!("completed on poll {polls}"),
            };
            match how {
                Dropped::AfterPolls(_) => assert!(
                    flushes.len() <= want.len() && *flushes == want[..flushes.len()],
                    "the loop was {when}; its flushes so far, as (ms, batch), were \
                     {flushes:?}, but an undisturbed run flushes {want:?}: up to the drop, \
                     the same flushes must have happened, each item once and in order"
                ),
                Dropped::Completed { .. } => assert_eq!(
                    *flushes, want,
                    "the loop {when}; its flushes, as (ms, batch) (got, expected), must be \
                     those of an undisturbed run: every item once, in order, at its tick (this \
                     run ends with a shutdown at 330 ms: a batch missing at the end is what the \
                     loop held then, lost at shutdown)"
                ),
            }
            assert_eq!(
                drops.load(Ordering::SeqCst),
                1,
                "the loop was {when}, and the runtime's other tasks had their turn, but its \
                 `flush` closure was dropped {} times: dropping the loop's future must drop \
                 everything it owns, exactly once (nothing may keep running in the \
                 background)",
                drops.load(Ordering::SeqCst)
            );
            assert!(
                tx.is_closed(),
                "the loop was {when}, and the runtime's other tasks had their turn, but its \
                 receiver was still alive: dropping the loop's future must drop it"
            );
        },
    );
}
