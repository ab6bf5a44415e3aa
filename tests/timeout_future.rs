//! Hidden suite for `timeout_future`: a future against a deadline, by hand.
//!
//! Contract: `Timeout::new(future, duration)` is a future of
//! `Result<F::Output, Elapsed>`. Its deadline is `duration` after `new` (not
//! after the first poll, and no later poll moves it). Each poll polls the inner
//! future first, with `cx`, then the deadline: a future that is ready when
//! polled gives `Ok(output)`, even at or after the deadline; otherwise the
//! `Timeout` gives `Err(Elapsed)` at the deadline, never earlier. The inner
//! future is polled only inside `Timeout::poll`, and it is dropped as soon as
//! the outcome is decided (before `Ok` or `Err` is returned), or with the
//! `Timeout` if that is dropped first. While it waits, the `Timeout` neither
//! spins nor loses a wake-up, and the waker of its latest poll is the one
//! woken. Any future fits, `!Unpin` ones (`async` blocks) included.
//!
//! Everything runs on tokio's paused clock: sleeps end instantly, in order, and
//! every timestamp below is exact virtual time in milliseconds since the start.
//! The inner future of most tests is a `Probe`: an `!Unpin` future that counts
//! its polls and notes when it is dropped.

// The code under test, compiled into this suite: your `exercises/src/timeout_future.rs`,
// or the reference solution with `cargo test --features solutions`.
#[cfg_attr(
    not(feature = "solutions"),
    path = "../exercises/src/timeout_future.rs"
)]
#[cfg_attr(feature = "solutions", path = "../solutions/src/timeout_future.rs")]
mod timeout_future;

use std::future::{Future, pending, poll_fn};
use std::marker::PhantomPinned;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use futures::future::BoxFuture;
use futures_test::task::new_count_waker;
use pin_project_lite::pin_project;
use support::{Dropped, trace};
use timeout_future::{Elapsed, Timeout};
use tokio::sync::oneshot;
use tokio::time::{Instant, advance, sleep, sleep_until};
use tokio_test::task;

const NEVER_FINISHED: &str = "the Timeout never finished (while it waits, `poll` must poll the \
    inner future and then its `Sleep`, both with `cx`, and return Pending without waking \
    itself)";

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// Virtual milliseconds since `start`.
fn since(start: Instant) -> u64 {
    (Instant::now() - start).as_millis() as u64
}

/// What a probe has seen: how often it was polled and dropped.
#[derive(Debug, Default)]
struct Seen {
    polls: AtomicUsize,
    drops: AtomicUsize,
}

impl Seen {
    fn polls(&self) -> usize {
        self.polls.load(Ordering::SeqCst)
    }

    fn drops(&self) -> usize {
        self.drops.load(Ordering::SeqCst)
    }
}

/// Counts the drops of the probe it is part of.
struct DropCounter(Arc<Seen>);

impl Drop for DropCounter {
    fn drop(&mut self) {
        self.0.drops.fetch_add(1, Ordering::SeqCst);
    }
}

pin_project! {
    /// The inner future of the tests: runs `body`, counts its polls, and
    /// counts its drop. It is `!Unpin`, like an `async` block.
    struct Probe {
        #[pin]
        body: BoxFuture<'static, u32>,
        #[pin]
        pinned: PhantomPinned,
        counter: DropCounter,
    }
}

impl Probe {
    fn new(body: BoxFuture<'static, u32>) -> (Self, Arc<Seen>) {
        let seen = Arc::new(Seen::default());
        let probe = Self {
            body,
            pinned: PhantomPinned,
            counter: DropCounter(Arc::clone(&seen)),
        };
        (probe, seen)
    }
}

impl Future for Probe {
    type Output = u32;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        let this = self.project();
        this.counter.0.polls.fetch_add(1, Ordering::SeqCst);
        this.body.poll(cx)
    }
}

/// A body that never finishes.
fn never(_start: Instant) -> BoxFuture<'static, u32> {
    Box::pin(pending())
}

/// A body that is ready at once, with 7.
fn at_once(_start: Instant) -> BoxFuture<'static, u32> {
    Box::pin(async { 7 })
}

/// A body that finishes with 7 at `at` ms.
fn ready_at(start: Instant, at: u64) -> BoxFuture<'static, u32> {
    Box::pin(async move {
        sleep_until(start + ms(at)).await;
        7
    })
}

/// A body that is woken at each of `times` ms (so its `Timeout` is polled
/// then), and never finishes.
fn woken_at(start: Instant, times: &'static [u64]) -> BoxFuture<'static, u32> {
    Box::pin(async move {
        for &at in times {
            sleep_until(start + ms(at)).await;
        }
        pending().await
    })
}

/// A body that finishes with what `rx` receives.
fn receives(rx: oneshot::Receiver<u32>) -> BoxFuture<'static, u32> {
    Box::pin(async move { rx.await.unwrap_or(0) })
}

/// Awaits `future`, but fails the test with a message if it is polled absurdly
/// often: a future that wakes itself while it waits would otherwise keep the
/// paused clock frozen and the test running until the watchdog ends it.
async fn spin_guard<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut polls = 0u32;
    poll_fn(|cx| {
        polls += 1;
        assert!(
            polls < 100_000,
            "the Timeout was polled {polls} times without the paused clock moving on: it \
             wakes its own task while it waits (a busy loop). Return Pending only after \
             polling the inner future and the `Sleep` with `cx`: they wake the task when \
             there is something to do."
        );
        future.as_mut().poll(cx)
    })
    .await
}

/// How a `Timeout` ended: when (ms), with what, and how often the inner
/// future was polled.
#[derive(Debug, PartialEq)]
struct Outcome {
    at: u64,
    result: Result<u32, Elapsed>,
    inner_polls: usize,
}

/// Makes a `Timeout` of `duration` ms around a probe running `body` at 0 ms,
/// and awaits it from `first_poll` ms on.
fn outcome(
    duration: u64,
    first_poll: u64,
    body: fn(Instant) -> BoxFuture<'static, u32>,
) -> Outcome {
    support::paused(NEVER_FINISHED, move || async move {
        let start = Instant::now();
        let (probe, seen) = Probe::new(body(start));
        let timeout = trace(Timeout::new(probe, ms(duration)));
        sleep_until(start + ms(first_poll)).await;
        let result = spin_guard(timeout).await;
        Outcome {
            at: since(start),
            result,
            inner_polls: seen.polls(),
        }
    })
}

#[test]
fn a_future_that_finishes_in_time_gives_ok_when_it_finishes() {
    let done = outcome(100, 0, |start| ready_at(start, 30));
    assert_eq!(
        (done.at, done.result),
        (30, Ok(7)),
        "the inner future finishes with 7 at 30 ms, and the deadline is at 100 ms (got \
         (ms, result)): the Timeout should give Ok(7) as soon as the inner future is \
         ready, at 30 ms, without waiting for the deadline"
    );
    assert!(
        done.inner_polls <= 3,
        "the inner future, woken once (at 30 ms), was polled {} times: poll it once per \
         poll of the Timeout, and poll the Timeout only when it is woken",
        done.inner_polls
    );

    let done = outcome(0, 0, at_once);
    assert_eq!(
        done.result,
        Ok(7),
        "an inner future that is ready on its first poll, with a duration of 0: the Timeout \
         polls the inner future first, so it gives Ok(7), not Err(Elapsed)"
    );
}

#[test]
fn times_out_at_the_deadline_not_before() {
    let done = outcome(100, 0, never);
    assert!(
        done.at >= 100,
        "the inner future never finishes, and the duration is 100 ms: the Timeout gave {:?} at \
         {} ms, too early. Err(Elapsed) belongs at the deadline, never before it: a `Sleep` of \
         `duration`, made in `new`, is due exactly then (no margin needed, tokio's timer \
         does not fire late on the paused clock)",
        done.result,
        done.at
    );
    assert_eq!(
        (done.at, done.result),
        (100, Err(Elapsed)),
        "the inner future never finishes, and the duration is 100 ms (got (ms, result)): the \
         Timeout should give Err(Elapsed) at the deadline, 100 ms, not before and not later"
    );
    let done = outcome(100, 0, |start| ready_at(start, 101));
    assert_eq!(
        (done.at, done.result),
        (100, Err(Elapsed)),
        "the inner future would finish at 101 ms, and the duration is 100 ms (got (ms, \
         result)): Err(Elapsed) at 100 ms, and the inner future does not get to finish"
    );

    support::paused(NEVER_FINISHED, || async {
        let (probe, _seen) = Probe::new(never(Instant::now()));
        let mut timeout = task::spawn(trace(Timeout::new(probe, ms(100))));
        assert!(timeout.poll().is_pending(), "at 0 ms: Pending");
        advance(ms(99)).await;
        let at_99 = timeout.poll();
        assert!(
            at_99.is_pending(),
            "polled at 99 ms with a duration of 100 ms, the Timeout gave {at_99:?}: too \
             early, Err(Elapsed) belongs at the deadline, never before it (a `Sleep` of \
             `duration` made in `new` is due exactly then)"
        );
    });
}

#[test]
fn the_deadline_counts_from_new_not_from_the_first_poll() {
    let done = outcome(100, 30, |start| ready_at(start, 120));
    assert_eq!(
        (done.at, done.result),
        (100, Err(Elapsed)),
        "the Timeout was made at 0 ms with a duration of 100 ms, and first polled at 30 ms; \
         the inner future would finish at 120 ms (got (ms, result)). The deadline is 100 ms \
         after `new`, not after the first poll (130 ms): Err(Elapsed) at 100 ms. Make the \
         `Sleep` in `new` (`sleep` reads the clock when it is called, not when it is first \
         polled); an `async` block is lazy, and a timer made inside one starts late."
    );
    let done = outcome(100, 150, never);
    assert_eq!(
        (done.at, done.result),
        (150, Err(Elapsed)),
        "the Timeout was made at 0 ms with a duration of 100 ms, and first polled at 150 ms, \
         its inner future never finishing (got (ms, result)): its time was up before that \
         first poll, so Err(Elapsed) at once, at 150 ms. The deadline is counted from `new`, \
         not from the first poll."
    );
}

#[test]
fn the_deadline_is_not_pushed_back_by_later_polls() {
    // The inner future is woken at 50 and 80 ms: the Timeout is polled then.
    let done = outcome(100, 0, |start| woken_at(start, &[50, 80]));
    assert_eq!(
        (done.at, done.result),
        (100, Err(Elapsed)),
        "the Timeout was made at 0 ms with a duration of 100 ms; its inner future was woken \
         at 50 and 80 ms, so the Timeout was polled then, and never finished (got (ms, \
         result)). The deadline stays at 100 ms: a poll must not push it back. Make one \
         `Sleep` in `new` and poll that same one every time, never moving it: a `reset`, \
         or a new `sleep(duration)`, in `poll` starts the clock again (an idle timeout, \
         not a deadline)."
    );
    assert!(
        done.inner_polls <= 4,
        "the inner future, woken at 50 and 80 ms, was polled {} times",
        done.inner_polls
    );
}

#[test]
fn a_future_ready_at_the_deadline_wins() {
    let done = outcome(100, 0, |start| ready_at(start, 100));
    assert_eq!(
        (done.at, done.result),
        (100, Ok(7)),
        "the inner future finishes at 100 ms, the very deadline (got (ms, result)). Both are \
         ready on the same poll, and the inner future wins: poll it first, then the \
         deadline, as `tokio::time::timeout` does."
    );

    support::paused(NEVER_FINISHED, || async {
        let (tx, rx) = oneshot::channel();
        let (probe, _seen) = Probe::new(receives(rx));
        let mut timeout = task::spawn(trace(Timeout::new(probe, ms(100))));
        assert!(timeout.poll().is_pending(), "nothing sent yet: Pending");
        advance(ms(100)).await;
        tx.send(7).unwrap();
        let result = timeout.poll();
        assert_eq!(
            result,
            Poll::Ready(Ok(7)),
            "at the deadline, 100 ms, the inner future's answer was sent before the Timeout \
             was polled: the poll should give Ok(7). Poll the inner future first, the \
             deadline second: a future that is ready when polled wins."
        );
    });

    let done = outcome(100, 150, at_once);
    assert_eq!(
        (done.at, done.result),
        (150, Ok(7)),
        "made at 0 ms with a duration of 100 ms, first polled at 150 ms, with an inner future \
         that is ready on its first poll (got (ms, result)): the inner future is polled \
         first, so Ok(7), even after the deadline"
    );
}

#[test]
fn waits_without_spinning_and_is_woken_at_the_deadline() {
    support::paused(NEVER_FINISHED, || async {
        let (probe, _seen) = Probe::new(never(Instant::now()));
        let mut timeout = task::spawn(trace(Timeout::new(probe, ms(100))));
        assert!(
            timeout.poll().is_pending(),
            "the inner future never finishes: Pending until the deadline"
        );
        assert!(
            !timeout.is_woken(),
            "the Timeout returned Pending and woke its own task at once: a busy loop. The \
             executor polls it again and again until the deadline, burning a core (and on \
             the paused clock, time cannot even move on). Poll the `Sleep` with `cx` \
             instead: it wakes the task at the deadline."
        );
        advance(ms(99)).await;
        assert!(
            !timeout.is_woken(),
            "the task was woken at 99 ms, before the 100 ms deadline: a wake-up should mean \
             there is something to do"
        );
        advance(ms(1)).await;
        assert!(
            timeout.is_woken(),
            "the 100 ms deadline has come, but the task was not woken: a lost wake-up, and \
             an awaiting caller would wait forever. Returning Pending is safe only after \
             polling something that registered `cx`'s waker: here, the `Sleep` \
             (`this.deadline.poll(cx)`), on every poll."
        );
        assert_eq!(
            timeout.poll(),
            Poll::Ready(Err(Elapsed)),
            "woken at the deadline, the Timeout should give Err(Elapsed)"
        );
    });
}

#[test]
fn is_woken_when_the_inner_future_completes() {
    support::paused(NEVER_FINISHED, || async {
        let (tx, rx) = oneshot::channel();
        let (probe, _seen) = Probe::new(receives(rx));
        let mut timeout = task::spawn(trace(Timeout::new(probe, ms(100))));
        assert!(timeout.poll().is_pending(), "nothing sent yet: Pending");
        assert!(
            !timeout.is_woken(),
            "the inner future is waiting, and the Timeout woke its own task at once: a busy \
             loop. Pass `cx` on to the inner future: it wakes the task when it is ready."
        );
        advance(ms(40)).await;
        tx.send(7).unwrap();
        assert!(
            timeout.is_woken(),
            "at 40 ms the inner future's answer came, but the task was not woken: poll the \
             inner future with the `cx` you were given, so its wake-up reaches the task"
        );
        assert_eq!(timeout.poll(), Poll::Ready(Ok(7)));
    });
}

#[test]
fn wakes_the_waker_of_its_latest_poll() {
    support::paused(NEVER_FINISHED, || async {
        let (first, first_woken) = new_count_waker();
        let (latest, latest_woken) = new_count_waker();
        let (probe, _seen) = Probe::new(never(Instant::now()));
        let mut timeout = Box::pin(trace(Timeout::new(probe, ms(100))));
        let poll = timeout.as_mut().poll(&mut Context::from_waker(&first));
        assert!(poll.is_pending(), "at 0 ms: Pending");
        advance(ms(10)).await;
        let poll = timeout.as_mut().poll(&mut Context::from_waker(&latest));
        assert!(poll.is_pending(), "at 10 ms: Pending");
        advance(ms(190)).await;
        assert!(
            latest_woken.get() > 0,
            "the Timeout was polled with one waker at 0 ms and another at 10 ms (it moved to \
             another task, as a future in `select!` or `join!` may); by 200 ms, well past its \
             100 ms deadline, the waker of the latest poll had not been woken (the first one \
             was woken {} times): a stale waker. Poll the `Sleep` with `cx` on every poll, not only the first: \
             each poll may bring a different waker.",
            first_woken.get()
        );

        let (tx, rx) = oneshot::channel();
        let (probe, _seen) = Probe::new(receives(rx));
        let mut timeout = Box::pin(trace(Timeout::new(probe, ms(100))));
        let (first, _) = new_count_waker();
        let (latest, latest_woken) = new_count_waker();
        let poll = timeout.as_mut().poll(&mut Context::from_waker(&first));
        assert!(poll.is_pending(), "nothing sent yet: Pending");
        let poll = timeout.as_mut().poll(&mut Context::from_waker(&latest));
        assert!(poll.is_pending(), "nothing sent yet: Pending");
        tx.send(7).unwrap();
        assert!(
            latest_woken.get() > 0,
            "the Timeout was polled with one waker, then another; the inner future's answer \
             then came, but the waker of the latest poll was not woken: poll the inner future \
             with `cx` on every poll"
        );
    });
}

#[test]
fn the_inner_future_is_dropped_when_the_time_is_up() {
    support::paused(NEVER_FINISHED, || async {
        let (probe, seen) = Probe::new(never(Instant::now()));
        let mut timeout = task::spawn(trace(Timeout::new(probe, ms(100))));
        assert!(timeout.poll().is_pending(), "at 0 ms: Pending");
        advance(ms(100)).await;
        assert_eq!(
            timeout.poll(),
            Poll::Ready(Err(Elapsed)),
            "at the 100 ms deadline, with an inner future that never finishes"
        );
        assert_eq!(
            seen.drops(),
            1,
            "the Timeout gave Err(Elapsed), but the inner future was still alive: it must be \
             dropped when the time is up, before Err(Elapsed) is returned. Dropping a future \
             is how async Rust cancels it; whoever holds the finished Timeout (a `select!` \
             loop, a struct) may keep it for a long time, and with it whatever the inner \
             future holds (a connection, a lock, a permit). Keep it in an `Option` and \
             `set(None)` it."
        );
        drop(timeout);
        assert_eq!(seen.drops(), 1, "the inner future is dropped exactly once");
    });
}

#[test]
fn the_inner_future_is_dropped_as_soon_as_it_finishes() {
    support::paused(NEVER_FINISHED, || async {
        let (probe, seen) = Probe::new(ready_at(Instant::now(), 30));
        let mut timeout = task::spawn(trace(Timeout::new(probe, ms(100))));
        assert!(timeout.poll().is_pending(), "at 0 ms: Pending");
        advance(ms(30)).await;
        assert_eq!(
            timeout.poll(),
            Poll::Ready(Ok(7)),
            "the inner future finished with 7 at 30 ms"
        );
        assert_eq!(
            seen.drops(),
            1,
            "the Timeout gave Ok(7), but the finished inner future was still alive: drop it \
             as soon as it has given its output, before returning Ok, as you do when the \
             time is up. The Timeout may be kept long after it finished, and so would \
             everything the inner future holds."
        );
        drop(timeout);
        assert_eq!(seen.drops(), 1, "the inner future is dropped exactly once");
    });
}

#[test]
fn the_inner_future_is_polled_only_when_the_timeout_is() {
    support::paused(NEVER_FINISHED, || async {
        let (probe, seen) = Probe::new(ready_at(Instant::now(), 10));
        let mut timeout = task::spawn(trace(Timeout::new(probe, ms(100))));
        advance(ms(30)).await;
        assert_eq!(
            seen.polls(),
            0,
            "the Timeout was made at 0 ms and not polled yet, but by 30 ms its inner future \
             had been polled: something else runs it (a spawned task?). A future does \
             nothing until it is polled; the Timeout polls its inner future inside its own \
             `poll`, and nowhere else."
        );
        assert_eq!(
            timeout.poll(),
            Poll::Ready(Ok(7)),
            "polled at 30 ms, the inner future is ready (it waited until 10 ms)"
        );
        assert_eq!(
            seen.polls(),
            1,
            "one poll of the Timeout, one of the inner future"
        );
    });
}

#[test]
fn dropping_the_timeout_drops_the_inner_future() {
    // Drop it after 0, 1, 2, … polls, until a run completes.
    for (duration, story) in [
        (
            100,
            "an inner future woken at 40 and 80 ms and ready at 150 ms, a deadline at 100 ms",
        ),
        (
            200,
            "an inner future woken at 40 and 80 ms and ready at 150 ms, a deadline at 200 ms",
        ),
    ] {
        support::drop_after_each_poll(
            "the Timeout",
            10,
            move || {
                let start = Instant::now();
                let body = Box::pin(async move {
                    sleep_until(start + ms(40)).await;
                    sleep_until(start + ms(80)).await;
                    sleep_until(start + ms(150)).await;
                    7
                });
                let (probe, seen) = Probe::new(body);
                (seen, trace(Timeout::new(probe, ms(duration))))
            },
            move |seen, how| {
                let when = match how {
                    Dropped::AfterPolls(polls) => {
                        format!("the Timeout was dropped after {polls} polls, unfinished")
                    }
                    Dropped::Completed { polls } => {
                        format!("the Timeout completed on poll {polls}, then was dropped")
                    }
                };
                assert_eq!(
                    seen.drops(),
                    1,
                    "with {story}, {when}, and the runtime's other tasks had their turn; the \
                     inner future was dropped {} times since. Dropping the Timeout cancels \
                     it, and must drop the inner future with it, exactly once: nothing may \
                     keep running it in the background (a `tokio::spawn`ed task is not \
                     cancelled when its JoinHandle is dropped).",
                    seen.drops()
                );
            },
        );
    }
}

#[test]
fn works_with_futures_that_are_not_unpin_and_nests() {
    let timeline = support::paused(NEVER_FINISHED, || async {
        let start = Instant::now();
        let word = String::from("deadline");
        // An `async` block that borrows its own data across an `.await`: it
        // points into itself, so it is `!Unpin`. `Timeout` must take it as it
        // is (no `F: Unpin` bound, no `Pin::new` on the inner future).
        let borrowing = async move {
            let borrowed: &str = &word;
            sleep(ms(10)).await;
            borrowed.len() as u32
        };
        let plain = spin_guard(trace(Timeout::new(borrowing, ms(50)))).await;
        let plain_at = since(start);

        // A `Timeout` is a future like any other, so it can be timed out too.
        let (probe, _seen) = Probe::new(never(start));
        let inner_first =
            spin_guard(trace(Timeout::new(Timeout::new(probe, ms(30)), ms(50)))).await;
        let inner_first_at = since(start);
        let (probe, _seen) = Probe::new(never(start));
        let outer_first =
            spin_guard(trace(Timeout::new(Timeout::new(probe, ms(80)), ms(50)))).await;
        let outer_first_at = since(start);
        [
            (plain_at, format!("{plain:?}")),
            (inner_first_at, format!("{inner_first:?}")),
            (outer_first_at, format!("{outer_first:?}")),
        ]
    });
    assert_eq!(
        timeline,
        [
            (10, "Ok(8)".to_owned()),
            (40, "Ok(Err(Elapsed))".to_owned()),
            (90, "Err(Elapsed)".to_owned()),
        ],
        "one after the other, from 0 ms (got (ms, result)): an `async` block that borrows \
         its own data and finishes after 10 ms, under 50 ms: Ok(8) at 10 ms; a Timeout of \
         30 ms inside one of 50 ms, around a future that never finishes: the inner one \
         expires first, Ok(Err(Elapsed)) at 40 ms; 80 ms inside 50 ms: the outer one \
         expires, Err(Elapsed) at 90 ms"
    );
}
