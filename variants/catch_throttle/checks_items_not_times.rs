//! Mistake: tests that check which items come out, and the end, but never
//! when. A throttle that delays the first item, loses its wake-up, or adds
//! a delay after a slow upstream passes them.
//! expect: fail your_tests_catch_every_hidden_bug "delays the first item"
//! expect: fail your_tests_catch_every_hidden_bug "caught 2 of 6 bugs"

use std::task::Poll;
use std::time::Duration;

use futures::stream;
use subjects::throttle::Throttle;
use tokio::time;
use tokio_test::task;

#[tokio::test(start_paused = true)]
async fn every_item_comes_out_in_order_then_the_end() {
    let mut throttle = task::spawn(Throttle::new(
        stream::iter(0..5),
        Duration::from_millis(100),
    ));
    let mut items = Vec::new();
    for _ in 0..1000 {
        match throttle.poll_next() {
            Poll::Ready(Some(item)) => items.push(item),
            Poll::Ready(None) => break,
            Poll::Pending => time::advance(Duration::from_millis(10)).await,
        }
    }
    assert_eq!(items, [0, 1, 2, 3, 4]);
    assert_eq!(
        throttle.poll_next(),
        Poll::Ready(None),
        "the throttle must end"
    );
}
