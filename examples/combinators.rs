//! The "Composing streams" chapter, combinators: streams are lazy,
//! `buffered` waits for the slowest fetch ahead of it, and the futures inside
//! `buffer_unordered` make progress only while the stream is polled. Timed on
//! tokio's paused clock: every millisecond here is exact virtual time.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures::{StreamExt, stream};
use tokio::time::{Instant, sleep};

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    // ANCHOR: lazy
    // Building a pipeline runs nothing: `map` only wraps the stream. The
    // closure runs when an item is pulled, one item at a time.
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&calls);
    let mut doubled = stream::iter(1..=3).map(move |x| {
        counted.fetch_add(1, Ordering::SeqCst);
        x * 2
    });
    assert_eq!(calls.load(Ordering::SeqCst), 0);
    assert_eq!(doubled.next().await, Some(2));
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    // ANCHOR_END: lazy

    // ANCHOR: buffered
    // Six fetches, two at a time; fetch 0 takes 500 ms, the others 100 ms.
    let fetch = |id: u64| async move {
        sleep(ms(if id == 0 { 500 } else { 100 })).await;
        id
    };
    let start = Instant::now();
    let in_order: Vec<u64> = stream::iter(0..6).map(fetch).buffered(2).collect().await;
    let buffered_took = start.elapsed();
    let start = Instant::now();
    let as_they_come: Vec<u64> = stream::iter(0..6)
        .map(fetch)
        .buffer_unordered(2)
        .collect()
        .await;
    let unordered_took = start.elapsed();
    // `buffered` keeps the order, and a finished fetch holds its slot until
    // the slow one ahead of it is done: 700 ms. `buffer_unordered` refills a
    // slot as soon as any fetch ends: 500 ms.
    assert_eq!(in_order, [0, 1, 2, 3, 4, 5]);
    assert_eq!(buffered_took, ms(700));
    assert_eq!(as_they_come, [1, 2, 3, 4, 0, 5]);
    assert_eq!(unordered_took, ms(500));
    // ANCHOR_END: buffered

    // ANCHOR: busy_consumer
    // A fetch in two steps of 50 ms, and a consumer that works 200 ms on
    // each result. The futures inside `buffer_unordered` run only while the
    // consumer polls it: while it works, the second step of the fetch
    // beside it cannot start.
    let two_steps = |id: u64| async move {
        sleep(ms(50)).await;
        sleep(ms(50)).await;
        (id, Instant::now())
    };
    let start = Instant::now();
    let mut fetches = stream::iter(0..2).map(two_steps).buffer_unordered(2);
    let mut done_at = Vec::new();
    while let Some((_, at)) = fetches.next().await {
        done_at.push((at - start).as_millis());
        sleep(ms(200)).await; // the consumer's own work
    }
    // Fetch 1 needed 100 ms, but finished at 300: it waited for the
    // consumer to come back and poll it.
    assert_eq!(done_at, [100, 300]);
    // Spawned as tasks, fetches run on their own, and both finish at 100.
    let start = Instant::now();
    let mut spawned = stream::iter(0..2)
        .map(|id| tokio::spawn(two_steps(id)))
        .buffer_unordered(2);
    let mut done_at = Vec::new();
    while let Some(joined) = spawned.next().await {
        done_at.push((joined.unwrap().1 - start).as_millis());
        sleep(ms(200)).await;
    }
    assert_eq!(done_at, [100, 100]);
    // ANCHOR_END: busy_consumer

    println!("combinators: every claim holds");
}
