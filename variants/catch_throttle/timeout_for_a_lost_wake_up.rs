//! Mistake: checks the wake-up with `tokio::time::timeout` instead of
//! `is_woken()`. A throttle that never asks its timer to wake it passes:
//! when the timeout's own timer fires, the timeout polls the throttle
//! again, and the item is there.
//! expect: fail your_tests_catch_every_hidden_bug "without registering a wake-up"
//! expect: fail your_tests_catch_every_hidden_bug "caught 5 of 6 bugs"

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

/// The next item comes within twice the delay (the spin check by hand).
#[tokio::test(start_paused = true)]
async fn waiting_neither_spins_nor_loses_the_wake_up() {
    use futures::StreamExt;
    let mut throttle = ready_upstream(3);
    assert_ready_eq!(throttle.poll_next(), Some(0));
    assert_pending!(throttle.poll_next());
    assert!(!throttle.is_woken(), "a busy loop");
    let next = time::timeout(DELAY * 2, throttle.next()).await;
    assert_eq!(next, Ok(Some(1)), "the next item must come after the delay");
}

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
