//! Correct, written differently: polls with a counting waker (futures_test)
//! instead of a mock task, and lets time pass with `time::sleep` (the paused
//! clock jumps to the earliest timer, and the throttle's fires with it)
//! instead of `time::advance`.
//! expect: pass

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::channel::mpsc;
use futures::{StreamExt, stream};
use futures_test::task::new_count_waker;
use subjects::throttle::Throttle;
use tokio::time;

const DELAY: Duration = Duration::from_millis(100);

/// Polls once with a fresh counting waker; gives back the outcome and the
/// waker's count, to read later.
fn poll(
    throttle: &mut Pin<Box<Throttle<u32>>>,
) -> (Poll<Option<u32>>, futures_test::task::AwokenCount) {
    let (waker, count) = new_count_waker();
    let outcome = throttle.poll_next_unpin(&mut Context::from_waker(&waker));
    (outcome, count)
}

fn ready(items: u32) -> Pin<Box<Throttle<u32>>> {
    Box::pin(Throttle::new(stream::iter(0..items), DELAY))
}

#[tokio::test(start_paused = true)]
async fn the_first_item_at_once_the_next_after_the_delay() {
    let mut throttle = ready(3);
    assert_eq!(poll(&mut throttle).0, Poll::Ready(Some(0)));
    let (outcome, woken) = poll(&mut throttle);
    assert_eq!(outcome, Poll::Pending);
    assert_eq!(woken.get(), 0, "woken while waiting: a busy loop");
    time::sleep(DELAY - Duration::from_millis(1)).await;
    assert_eq!(woken.get(), 0, "woken before the delay is over");
    time::sleep(Duration::from_millis(1)).await;
    assert_eq!(woken.get(), 1, "not woken when the delay is over");
    assert_eq!(poll(&mut throttle).0, Poll::Ready(Some(1)));
}

#[tokio::test(start_paused = true)]
async fn a_late_item_goes_out_when_it_arrives() {
    let (tx, rx) = mpsc::unbounded();
    let mut throttle = Box::pin(Throttle::new(rx, DELAY));
    tx.unbounded_send(0).unwrap();
    assert_eq!(poll(&mut throttle).0, Poll::Ready(Some(0)));
    time::sleep(DELAY * 3).await;
    let (outcome, woken) = poll(&mut throttle);
    assert_eq!(outcome, Poll::Pending);
    tx.unbounded_send(1).unwrap();
    assert_eq!(woken.get(), 1, "the new item must wake the task");
    assert_eq!(poll(&mut throttle).0, Poll::Ready(Some(1)));
}

#[tokio::test(start_paused = true)]
async fn all_items_then_the_end() {
    let mut throttle = ready(4);
    let mut items = Vec::new();
    for _ in 0..50 {
        match poll(&mut throttle).0 {
            Poll::Ready(Some(item)) => items.push(item),
            Poll::Ready(None) => break,
            Poll::Pending => time::sleep(DELAY / 2).await,
        }
    }
    assert_eq!(items, [0, 1, 2, 3]);
    assert_eq!(poll(&mut throttle).0, Poll::Ready(None), "it must end");
}
