//! The Wakers chapter: the classic waker bugs, each shown next to the fix.
//!
//! Every future here waits for the same `Event`. The bugs are demonstrated by
//! polling by hand with a counting waker, so nothing here can hang: instead of
//! waiting for a wake-up that never comes, `main` asserts that none came.

use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::Duration;

use futures_test::task::new_count_waker;

// ANCHOR: event
/// Something a future can wait for: it is "fired" once, from anywhere.
///
/// The state and the waker are kept apart on purpose (an atomic and a
/// mutex), to show what the order of the two steps in `poll` does.
#[derive(Default)]
struct Event {
    fired: AtomicBool,
    waker: Mutex<Option<Waker>>,
}

impl Event {
    /// The event source's side: record that it happened, then wake the waiter.
    fn fire(&self) {
        self.fired.store(true, Ordering::SeqCst);
        // Take the waker out before waking it, so the lock is not held while
        // the woken task (perhaps on another thread) starts to run.
        let waker = self.waker.lock().unwrap().take();
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    fn has_fired(&self) -> bool {
        self.fired.load(Ordering::SeqCst)
    }

    /// Keeps a clone of `waker` for `fire` to wake, replacing any older one.
    fn store_waker(&self, waker: &Waker) {
        let mut slot = self.waker.lock().unwrap();
        match &mut *slot {
            // Same task as last time: keep the clone we have.
            Some(stored) if stored.will_wake(waker) => {}
            _ => *slot = Some(waker.clone()),
        }
    }
}
// ANCHOR_END: event

// ANCHOR: wait
/// Waits for `event`, correctly.
struct Wait {
    event: Arc<Event>,
}

impl Future for Wait {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // First store the waker of this poll, then check. If `fire` runs
        // before the store, the check sees it; if after, it finds the waker.
        self.event.store_waker(cx.waker());
        if self.event.has_fired() {
            return Poll::Ready(());
        }
        Poll::Pending
    }
}
// ANCHOR_END: wait

// ANCHOR: lost
/// BUG: returns `Pending` without arranging for anyone to wake the task.
struct LostWait {
    event: Arc<Event>,
}

impl Future for LostWait {
    type Output = ();

    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        if self.event.has_fired() {
            return Poll::Ready(());
        }
        // Nobody has our waker: when the event fires, nobody is told.
        Poll::Pending
    }
}
// ANCHOR_END: lost

// ANCHOR: racy
/// BUG: checks first, stores the waker second, with nothing to stop `fire`
/// from running in between.
struct RacyWait {
    event: Arc<Event>,
}

impl Future for RacyWait {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.event.has_fired() {
            return Poll::Ready(());
        }
        // <- If `fire` runs right here, it finds no waker and wakes nobody...
        self.event.store_waker(cx.waker());
        // ...and we store a waker that no one will ever use.
        Poll::Pending
    }
}
// ANCHOR_END: racy

// ANCHOR: busy
/// BUG: asks to be polled again at once, every time, while waiting for
/// something else entirely.
struct BusyWait {
    event: Arc<Event>,
}

impl Future for BusyWait {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.event.has_fired() {
            return Poll::Ready(());
        }
        // "Poll me again right away": the executor never gets to sleep.
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
// ANCHOR_END: busy

// ANCHOR: stale
/// BUG: keeps the waker of its first poll, however many polls follow.
struct StaleWait {
    event: Arc<Event>,
}

impl Future for StaleWait {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut slot = self.event.waker.lock().unwrap();
        if slot.is_none() {
            *slot = Some(cx.waker().clone());
        }
        drop(slot);
        if self.event.has_fired() {
            return Poll::Ready(());
        }
        Poll::Pending
    }
}
// ANCHOR_END: stale

/// Polls `future` once with `waker`.
fn poll_once<F: Future + Unpin>(future: &mut F, waker: &Waker) -> Poll<F::Output> {
    Pin::new(future).poll(&mut Context::from_waker(waker))
}

// ANCHOR: lost_demo
fn lost_wake_up() {
    let event = Arc::new(Event::default());
    let mut lost = LostWait {
        event: Arc::clone(&event),
    };
    let (waker, wake_count) = new_count_waker();

    assert!(poll_once(&mut lost, &waker).is_pending());
    event.fire();
    // The event happened, but the task was never woken: an executor would
    // never poll it again, and whoever awaits it waits forever.
    assert_eq!(wake_count.get(), 0);
}
// ANCHOR_END: lost_demo

/// The same steps with `Wait`: the task is woken, and the next poll is Ready.
fn no_lost_wake_up() {
    let event = Arc::new(Event::default());
    let mut wait = Wait {
        event: Arc::clone(&event),
    };
    let (waker, wake_count) = new_count_waker();
    assert!(poll_once(&mut wait, &waker).is_pending());
    event.fire();
    assert_eq!(wake_count.get(), 1);
    assert!(poll_once(&mut wait, &waker).is_ready());
}

// ANCHOR: racy_passes
fn racy_wait_looks_fine() {
    // Polled, then fired, one after the other: `RacyWait` looks correct.
    let event = Arc::new(Event::default());
    let mut racy = RacyWait {
        event: Arc::clone(&event),
    };
    let (waker, wake_count) = new_count_waker();
    assert!(poll_once(&mut racy, &waker).is_pending());
    event.fire();
    assert_eq!(wake_count.get(), 1);
}
// ANCHOR_END: racy_passes

// ANCHOR: race_replay
fn check_then_store_race() {
    // A thread cannot be stopped at a chosen line, so we replay the unlucky
    // interleaving by hand: the two steps of `RacyWait::poll`, with the event
    // source's `fire` in between.
    let event = Event::default();
    let (waker, wake_count) = new_count_waker();

    // poll, step 1: check. Not fired yet, so this poll will return Pending.
    assert!(!event.has_fired());
    // Another thread: the event fires. No waker is stored; it wakes nobody.
    event.fire();
    // poll, step 2: store the waker and return Pending.
    event.store_waker(&waker);

    // Fired, Pending, and never woken: the same hang as a lost wake-up.
    assert_eq!(wake_count.get(), 0);
}
// ANCHOR_END: race_replay

/// `Wait` does the steps the other way round. Whichever step `fire` lands
/// before or after, the task either sees the event or is woken by it.
fn store_then_check() {
    let event = Event::default();
    let (waker, wake_count) = new_count_waker();
    event.store_waker(&waker); // poll, step 1: store
    event.fire(); // another thread: finds the waker and wakes it
    assert!(event.has_fired()); // poll, step 2: check (Ready, or polled again)
    assert_eq!(wake_count.get(), 1);
}

// ANCHOR: busy_demo
fn busy_wait_wakes_itself() {
    let event = Arc::new(Event::default());
    let mut busy = BusyWait {
        event: Arc::clone(&event),
    };
    let (waker, wake_count) = new_count_waker();

    assert!(poll_once(&mut busy, &waker).is_pending());
    // Nothing has happened, yet the task has already asked for another poll.
    assert_eq!(wake_count.get(), 1);
}
// ANCHOR_END: busy_demo

// ANCHOR: busy_run
/// Runs `future` on a real executor while another thread fires `event` 20 ms
/// after the first poll, and returns how many times the future was polled.
fn count_polls(mut future: impl Future<Output = ()> + Unpin, event: Arc<Event>) -> usize {
    let mut polls = 0;
    let mut firing = None;
    futures::executor::block_on(poll_fn(|cx| {
        polls += 1;
        // Start the clock at the first poll, so the event can never fire
        // before the future has had its first look.
        firing.get_or_insert_with(|| {
            let event = Arc::clone(&event);
            thread::spawn(move || {
                thread::sleep(Duration::from_millis(20));
                event.fire();
            })
        });
        Pin::new(&mut future).poll(cx)
    }));
    firing.expect("polled at least once").join().unwrap();
    polls
}

fn busy_loop() {
    let event = Arc::new(Event::default());
    let wait = Wait {
        event: Arc::clone(&event),
    };
    let wait_polls = count_polls(wait, event);

    let event = Arc::new(Event::default());
    let busy = BusyWait {
        event: Arc::clone(&event),
    };
    let busy_polls = count_polls(busy, event);

    // Both completed. `Wait` was polled twice: once to start, once after the
    // wake-up. `BusyWait`, as often as one core could manage in 20 ms.
    assert_eq!(wait_polls, 2);
    assert!(busy_polls > wait_polls);
    println!("Wait was polled {wait_polls} times, BusyWait {busy_polls} times");
}
// ANCHOR_END: busy_run

// ANCHOR: stale_demo
fn stale_waker() {
    // The future is polled in one task, then moved to another task and polled
    // there. Each task has its own waker.
    let (first_task, first_count) = new_count_waker();
    let (second_task, second_count) = new_count_waker();

    let event = Arc::new(Event::default());
    let mut stale = StaleWait {
        event: Arc::clone(&event),
    };
    assert!(poll_once(&mut stale, &first_task).is_pending());
    assert!(poll_once(&mut stale, &second_task).is_pending());
    event.fire();
    // The wake-up went to the task that no longer holds the future.
    assert_eq!((first_count.get(), second_count.get()), (1, 0));

    // `Wait` stores the waker of every poll, so the latest task is woken.
    let event = Arc::new(Event::default());
    let mut wait = Wait {
        event: Arc::clone(&event),
    };
    assert!(poll_once(&mut wait, &first_task).is_pending());
    assert!(poll_once(&mut wait, &second_task).is_pending());
    event.fire();
    assert_eq!((first_count.get(), second_count.get()), (1, 1));
}
// ANCHOR_END: stale_demo

// ANCHOR: will_wake
fn will_wake() {
    let (first_task, _) = new_count_waker();
    let (second_task, _) = new_count_waker();
    // True for a clone of the same waker (so `store_waker` can skip cloning
    // again), false for another task's waker.
    assert!(first_task.will_wake(&first_task.clone()));
    assert!(!first_task.will_wake(&second_task));
}
// ANCHOR_END: will_wake

fn main() {
    lost_wake_up();
    no_lost_wake_up();
    racy_wait_looks_fine();
    check_then_store_race();
    store_then_check();
    busy_wait_wakes_itself();
    busy_loop();
    stale_waker();
    will_wake();
}
