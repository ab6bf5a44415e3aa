//! `catch_throttle`: tests that pin down a throttled stream on tokio's
//! paused clock.
//!
//! The subject, `subjects::throttle::Throttle`, lets one item through per
//! delay: the first at once, each later one `delay` after the one before or
//! as soon as the upstream has it, whichever is later; none lost; it ends
//! when the upstream ends; while it waits, it neither spins nor loses its
//! wake-up.
//!
//! Every test runs on the paused clock (`start_paused = true`), so time
//! moves only when the test says (`time::advance`), and polls the throttle
//! by hand through a mock task (`tokio_test::task::spawn`): no test awaits
//! the throttle itself, so none can hang, whatever the throttle does (a
//! throttle that wakes itself for ever would keep an `.await` from
//! returning, and the paused clock from moving).

use std::time::Duration;

use futures::channel::mpsc;
use futures::stream;
use subjects::throttle::Throttle;
use tokio::time;
use tokio_test::task::{self, Spawn};
use tokio_test::{assert_pending, assert_ready_eq};

const DELAY: Duration = Duration::from_millis(100);
const MS: Duration = Duration::from_millis(1);

/// A throttle on a channel that the test feeds by hand, at the instants it
/// chooses (the upstream is as slow as the test makes it).
fn fed_by_hand() -> (mpsc::UnboundedSender<u32>, Spawn<Throttle<u32>>) {
    let (tx, rx) = mpsc::unbounded();
    (tx, task::spawn(Throttle::new(rx, DELAY)))
}

/// A throttle whose upstream has every item ready at once.
fn ready_upstream(items: u32) -> Spawn<Throttle<u32>> {
    task::spawn(Throttle::new(stream::iter(0..items), DELAY))
}

/// Nothing before the first item: it goes out on the first poll.
#[tokio::test(start_paused = true)]
async fn first_item_is_not_delayed() {
    let mut throttle = ready_upstream(3);
    assert_ready_eq!(
        throttle.poll_next(),
        Some(0),
        "the first item must go out at once: no item went out before it"
    );
}

// ANCHOR: spacing
/// After an item, the next one waits exactly the delay: not 1 ms less.
#[tokio::test(start_paused = true)]
async fn the_next_item_waits_exactly_the_delay() {
    let mut throttle = ready_upstream(3);
    assert_ready_eq!(throttle.poll_next(), Some(0));
    time::advance(DELAY - MS).await;
    assert_pending!(throttle.poll_next(), "1 ms before the delay is over");
    time::advance(MS).await;
    assert_ready_eq!(
        throttle.poll_next(),
        Some(1),
        "the delay after item 0 is over: item 1 must go out"
    );
}
// ANCHOR_END: spacing

// ANCHOR: wake_ups
/// While it waits, it does not wake itself (a busy loop), and the timer
/// wakes it when the delay is over (no lost wake-up).
#[tokio::test(start_paused = true)]
async fn waiting_neither_spins_nor_loses_the_wake_up() {
    let mut throttle = ready_upstream(3);
    assert_ready_eq!(throttle.poll_next(), Some(0));
    assert_pending!(throttle.poll_next());
    // Read `is_woken()` before polling again: the next poll clears it.
    assert!(
        !throttle.is_woken(),
        "the throttle woke its own task while it waits for the delay: a busy loop"
    );
    time::advance(DELAY).await;
    assert!(
        throttle.is_woken(),
        "the delay is over but nothing woke the task: a lost wake-up (the timer was never \
         polled with the task's waker)"
    );
    assert_ready_eq!(throttle.poll_next(), Some(1));
}
// ANCHOR_END: wake_ups

// ANCHOR: slow_upstream
/// An item that arrives after the delay is over goes out as soon as it
/// arrives: a slow upstream adds no wait of its own.
#[tokio::test(start_paused = true)]
async fn a_slow_upstream_adds_no_extra_wait() {
    let (tx, mut throttle) = fed_by_hand();
    tx.unbounded_send(1).unwrap();
    assert_ready_eq!(throttle.poll_next(), Some(1));
    // The upstream has nothing for 2.5 delays.
    time::advance(DELAY * 5 / 2).await;
    assert_pending!(throttle.poll_next(), "the upstream has nothing yet");
    tx.unbounded_send(2).unwrap();
    assert!(
        throttle.is_woken(),
        "a new upstream item must wake the task"
    );
    assert_ready_eq!(
        throttle.poll_next(),
        Some(2),
        "item 2 arrived long after the delay was over: it must go out at once"
    );
}
// ANCHOR_END: slow_upstream

/// Every item comes out, in order, then the end (`None`).
#[tokio::test(start_paused = true)]
async fn every_item_comes_out_in_order_then_the_end() {
    let mut throttle = ready_upstream(5);
    let mut items = Vec::new();
    // Bounded: a throttle that never ends fails here after 1 s of virtual
    // time, instead of hanging the test.
    for _ in 0..100 {
        match throttle.poll_next() {
            std::task::Poll::Ready(Some(item)) => items.push(item),
            std::task::Poll::Ready(None) => {
                assert_eq!(items, [0, 1, 2, 3, 4], "every item, once, in order");
                return;
            }
            std::task::Poll::Pending => time::advance(10 * MS).await,
        }
    }
    panic!("after {items:?}, the throttle did not end within 1 s of virtual time");
}
