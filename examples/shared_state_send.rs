//! The Shared state and Send chapter: what decides whether an `async fn`'s
//! future is `Send`, and which mutex to hold where.
//!
//! `counted_while_holding` holds a std `MutexGuard` across an `.await`. It
//! compiles and it runs, on one thread (this program awaits it inside
//! `block_on`); only `tokio::spawn` refuses it, and the chapter shows that
//! error as rustc printed it. The other functions are spawned on a
//! multi-thread runtime, so this file is also the compiler's proof that
//! they are `Send`.

use std::collections::HashMap;
use std::future::Future;
use std::pin::pin;
use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::time::Duration;

use futures::poll;
use tokio::runtime::Builder;

/// Something slow to await: a message to another service, say.
async fn send_metric(count: u64) {
    tokio::time::sleep(Duration::from_millis(1)).await;
    let _ = count;
}

// The two counter-examples: clippy's `await_holding_lock` flags them both.
#[allow(clippy::await_holding_lock)]
// ANCHOR: not_send
/// Counts a hit, then reports it: with the guard still alive at the
/// `.await`. Fine on one thread; `tokio::spawn` refuses it.
async fn counted_while_holding(hits: &Mutex<HashMap<String, u64>>, page: &str) -> u64 {
    let mut hits = hits.lock().unwrap();
    let count = hits.entry(page.to_owned()).or_insert(0);
    *count += 1;
    let count = *count;
    send_metric(count).await; // `hits`, the guard, lives across this
    count
}
// ANCHOR_END: not_send

#[allow(clippy::await_holding_lock)]
// ANCHOR: dropped
/// The guard is dropped before the `.await`; the compiler still counts it.
async fn counted_then_dropped(hits: &Mutex<HashMap<String, u64>>, page: &str) -> u64 {
    let mut hits = hits.lock().unwrap();
    let count = hits.entry(page.to_owned()).or_insert(0);
    *count += 1;
    let count = *count;
    drop(hits);
    send_metric(count).await;
    count
}
// ANCHOR_END: dropped

// ANCHOR: scoped
/// The guard lives in a block that ends before the `.await`: `Send`.
async fn counted_then_reported(hits: &Mutex<HashMap<String, u64>>, page: &str) -> u64 {
    let count = {
        let mut hits = hits.lock().unwrap();
        let count = hits.entry(page.to_owned()).or_insert(0);
        *count += 1;
        *count
    }; // the guard is dropped here
    send_metric(count).await;
    count
}
// ANCHOR_END: scoped

// ANCHOR: plain_fn
/// Or the locking in a plain `fn`, which cannot `.await` at all.
fn count_hit(hits: &Mutex<HashMap<String, u64>>, page: &str) -> u64 {
    let mut hits = hits.lock().unwrap();
    let count = hits.entry(page.to_owned()).or_insert(0);
    *count += 1;
    *count
}

async fn counted_by_a_plain_fn(hits: &Mutex<HashMap<String, u64>>, page: &str) -> u64 {
    let count = count_hit(hits, page);
    send_metric(count).await;
    count
}
// ANCHOR_END: plain_fn

// ANCHOR: spawnable
/// Compiles only for a future that `tokio::spawn` would take.
fn spawnable<F: Future + Send + 'static>(future: F) -> F {
    future
}
// ANCHOR_END: spawnable

fn main() {
    let runtime = Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .unwrap();

    // Not spawned, just awaited here: both run, and count.
    let hits = Mutex::new(HashMap::new());
    runtime.block_on(async {
        assert_eq!(counted_while_holding(&hits, "home").await, 1);
        assert_eq!(counted_then_dropped(&hits, "home").await, 2);
    });

    // `tokio::spawn` needs a runtime to spawn on.
    let _entered = runtime.enter();
    // ANCHOR: spawned
    let hits = Arc::new(Mutex::new(HashMap::new()));
    let tasks: Vec<_> = (0..8)
        .map(|k| {
            let hits = Arc::clone(&hits);
            tokio::spawn(spawnable(async move {
                if k % 2 == 0 {
                    counted_then_reported(&hits, "home").await
                } else {
                    counted_by_a_plain_fn(&hits, "home").await
                }
            }))
        })
        .collect();
    // ANCHOR_END: spawned
    let mut counts: Vec<u64> = runtime.block_on(async {
        let mut counts = Vec::new();
        for task in tasks {
            counts.push(task.await.unwrap());
        }
        counts
    });
    counts.sort_unstable();
    assert_eq!(counts, (1..=8).collect::<Vec<u64>>(), "each count once");

    runtime.block_on(tokio_mutex_is_first_come_first_served());
    println!("shared_state_send: ok");
}

// ANCHOR: fifo
/// A tokio `Mutex` hands the lock out in the order `lock` was called.
async fn tokio_mutex_is_first_come_first_served() {
    let mutex = Arc::new(tokio::sync::Mutex::new(0));
    let held = Arc::clone(&mutex).lock_owned().await; // owned: `'static`
    let mut first = pin!(mutex.lock());
    let mut second = pin!(mutex.lock());
    // Each `lock` joins the queue at its first poll, and waits there.
    assert!(poll!(first.as_mut()).is_pending());
    assert!(poll!(second.as_mut()).is_pending());
    drop(held);
    // The lock goes to the first in line, whoever is polled first now.
    assert!(poll!(second.as_mut()).is_pending());
    let guard = match poll!(first.as_mut()) {
        Poll::Ready(guard) => guard,
        Poll::Pending => panic!("the first in line gets the lock"),
    };
    drop(guard);
    assert!(poll!(second.as_mut()).is_ready());
}
// ANCHOR_END: fifo
