//! The Time chapter, part 3: the paused clock and work on other threads.
//! When no task can run, the runtime jumps the clock to the next timer,
//! whatever a std thread is about to do; only a `spawn_blocking` job holds
//! the jump back while it runs.
//!
//! No step depends on how fast a thread happens to be: the thread of the
//! first demo waits for a go-ahead, and the second demo's job is held by
//! tokio itself.

use std::sync::mpsc as std_mpsc;
use std::thread;
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::time::{Instant, timeout};

const HOUR: Duration = Duration::from_secs(3600);

// ANCHOR: thread
async fn the_clock_does_not_wait_for_a_thread() {
    let start = Instant::now();
    let (tx, mut rx) = oneshot::channel();
    let (go, wait_for_go) = std_mpsc::channel::<()>();
    // A std thread that holds the sender, and sends once it gets the go.
    // Until then it is blocked in a std `recv`, where the runtime cannot
    // see it.
    let sender = thread::spawn(move || {
        wait_for_go.recv().unwrap();
        tx.send("from the thread").unwrap();
    });

    // The task waits and no task can run, so the runtime jumps to the one
    // timer there is: the timeout's, an hour away.
    assert!(timeout(HOUR, &mut rx).await.is_err(), "timed out");
    assert_eq!(start.elapsed(), HOUR);

    // The thread was going to send all along.
    go.send(()).unwrap();
    assert_eq!(rx.await, Ok("from the thread"));
    sender.join().unwrap();
}
// ANCHOR_END: thread

// ANCHOR: blocking
async fn a_blocking_job_holds_the_clock() {
    let start = Instant::now();
    let (tx, rx) = oneshot::channel();
    // The same wait, for 20 real milliseconds, as a `spawn_blocking` job.
    // From the moment it is spawned until it has finished, auto-advance is
    // off.
    tokio::task::spawn_blocking(move || {
        thread::sleep(Duration::from_millis(20));
        tx.send("from the blocking job").unwrap();
    });

    assert_eq!(timeout(HOUR, rx).await, Ok(Ok("from the blocking job")));
    assert_eq!(start.elapsed(), Duration::ZERO);
}
// ANCHOR_END: blocking

fn main() {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap()
        .block_on(async {
            the_clock_does_not_wait_for_a_thread().await;
            a_blocking_job_holds_the_clock().await;
        });
}
