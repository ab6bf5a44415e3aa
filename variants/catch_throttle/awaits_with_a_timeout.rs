//! Mistake: awaits the throttle inside `tokio::time::timeout` instead of
//! polling it by hand. Against a throttle that wakes itself while it waits,
//! the paused clock never moves, so the timeout never fires and the test
//! hangs instead of failing.
//! expect: fail your_tests_catch_every_hidden_bug "hung against"
//! expect: fail your_tests_catch_every_hidden_bug "caught 6 of 6 bugs"

use std::time::Duration;

use futures::channel::mpsc;
use futures::{Stream, StreamExt, stream};
use subjects::throttle::Throttle;
use tokio::time::{self, Instant};

const DELAY: Duration = Duration::from_millis(100);

/// Each item with the virtual time it came at (ms since `start`), to the
/// end, within 10 s of virtual time.
async fn timestamps(stream: impl Stream<Item = u32> + Unpin, start: Instant) -> Vec<(u32, u128)> {
    let stamped = stream.map(|item| (item, (Instant::now() - start).as_millis()));
    time::timeout(Duration::from_secs(10), stamped.collect())
        .await
        .expect("the throttle did not end within 10 s")
}

#[tokio::test(start_paused = true)]
async fn a_ready_upstream_comes_out_at_0_100_200() {
    let start = Instant::now();
    let throttle = Throttle::new(stream::iter(0..3), DELAY);
    assert_eq!(
        timestamps(throttle, start).await,
        [(0, 0), (1, 100), (2, 200)]
    );
}

#[tokio::test(start_paused = true)]
async fn a_slow_upstream_adds_no_extra_wait() {
    let start = Instant::now();
    let (tx, rx) = mpsc::unbounded();
    tokio::spawn(async move {
        for (item, at) in [(0, 0), (1, 250), (2, 300)] {
            time::sleep_until(start + Duration::from_millis(at)).await;
            tx.unbounded_send(item).unwrap();
        }
    });
    let throttle = Throttle::new(rx, DELAY);
    assert_eq!(
        timestamps(throttle, start).await,
        [(0, 0), (1, 250), (2, 350)]
    );
}
