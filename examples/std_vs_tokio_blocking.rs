//! The std vs tokio channels chapter, part 3: blocking where the runtime
//! runs. A std `recv` on a current-thread runtime stops every task; on a
//! multi-thread runtime it costs one worker, and the bug shows only when
//! the workers run out. tokio's own `blocking_send` and `blocking_recv`
//! refuse to run there and panic instead, and `block_in_place` is the
//! multi-thread runtime's way to block a worker on purpose.
//!
//! Threads and runtimes are real here. Every wait is bounded, and the waits
//! that show something does *not* happen last a few milliseconds.

use std::panic;
use std::sync::mpsc as std_mpsc;
use std::time::Duration;

use tokio::runtime::{Builder, Runtime};
use tokio::sync::mpsc;
use tokio::task::block_in_place;

const fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// How long a demo waits for something that should happen at once.
const SOON: Duration = Duration::from_secs(1);

/// Runs `f`, which must panic, with the panic report silenced; returns the
/// panic's message.
fn panic_message(f: impl FnOnce()) -> String {
    let report = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let payload = panic::catch_unwind(panic::AssertUnwindSafe(f)).expect_err("it should panic");
    panic::set_hook(report);
    match payload.downcast::<String>() {
        Ok(message) => *message,
        Err(payload) => payload.downcast::<&str>().map(|m| m.to_string()).unwrap(),
    }
}

fn current_thread() -> Runtime {
    Builder::new_current_thread().enable_time().build().unwrap()
}

fn two_workers() -> Runtime {
    Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .unwrap()
}

// ANCHOR: current_thread
async fn a_std_recv_stops_a_current_thread_runtime() {
    // An echo task, and a 1 ms timer, both ready to go.
    let (ping_tx, mut ping_rx) = mpsc::channel::<u32>(1);
    let (pong_tx, mut pong_rx) = mpsc::channel::<u32>(1);
    tokio::spawn(async move {
        while let Some(n) = ping_rx.recv().await {
            pong_tx.send(n).await.unwrap();
        }
    });
    let timer = tokio::spawn(tokio::time::sleep(ms(1)));
    ping_tx.try_send(7).unwrap();

    // This task waits 10 ms in a std `recv` (a plain `recv` on a channel
    // nobody sends to would wait forever), holding the runtime's only thread.
    let (_std_tx, std_rx) = std_mpsc::channel::<()>();
    assert!(std_rx.recv_timeout(ms(10)).is_err());
    // Nothing else ran meanwhile: no echo, and the timer, 9 ms overdue,
    // has not fired.
    assert!(pong_rx.try_recv().is_err());
    assert!(!timer.is_finished());

    // An `.await` gives the thread back, and both get going at once.
    assert_eq!(pong_rx.recv().await, Some(7));
    timer.await.unwrap();
}
// ANCHOR_END: current_thread

// ANCHOR: multi_thread
/// A task that signals it has started, then waits in a std `recv` until
/// `gate`'s sender is dropped: a careless bridge, in miniature.
async fn blocker(started: std_mpsc::Sender<()>, gate: std_mpsc::Receiver<()>) {
    started.send(()).unwrap();
    let _ = gate.recv(); // blocks the worker thread running this task
}

/// Spawns a task that only reports that it ran.
fn probe(rt: &Runtime) -> std_mpsc::Receiver<()> {
    let (ran_tx, ran) = std_mpsc::channel();
    rt.spawn(async move { ran_tx.send(()).unwrap() });
    ran
}

fn a_std_recv_costs_a_multi_thread_runtime_a_worker() {
    let rt = two_workers();
    let (started_tx, started) = std_mpsc::channel();

    let (gate_1, gate) = std_mpsc::channel();
    rt.spawn(blocker(started_tx.clone(), gate));
    started.recv_timeout(SOON).unwrap();
    // One worker is stuck, and the other runs new tasks as usual. Under a
    // light load, nothing seems wrong.
    assert!(probe(&rt).recv_timeout(SOON).is_ok());

    let (gate_2, gate) = std_mpsc::channel();
    rt.spawn(blocker(started_tx, gate));
    started.recv_timeout(SOON).unwrap();
    // A second one takes the last worker. Now nothing runs at all.
    let ran = probe(&rt);
    assert!(ran.recv_timeout(ms(20)).is_err());

    // Let them go, and the waiting task runs.
    drop((gate_1, gate_2));
    assert!(ran.recv_timeout(SOON).is_ok());
}
// ANCHOR_END: multi_thread

// ANCHOR: panics
const IN_RUNTIME: &str = "Cannot block the current thread from within a runtime. \
    This happens because a function attempted to block the current thread while \
    the thread is being used to drive asynchronous tasks.";

async fn blocking_calls_panic_on_a_runtime_thread() {
    let (tx, mut rx) = mpsc::channel::<u32>(8);
    // The channel has room, so this send would not even have to wait: the
    // check is about where it runs.
    let message = panic_message(|| {
        let _ = tx.blocking_send(1);
    });
    assert_eq!(message, IN_RUNTIME);

    tx.try_send(2).unwrap(); // an item is waiting
    let message = panic_message(|| {
        let _ = rx.blocking_recv();
    });
    assert_eq!(message, IN_RUNTIME);

    // Nothing was sent or taken: the channel is as it was.
    assert_eq!(rx.recv().await, Some(2));

    // And `block_in_place` has nowhere to hand this runtime's tasks.
    let message = panic_message(|| block_in_place(|| ()));
    assert_eq!(
        message,
        "can call blocking only when running on the multi-threaded runtime"
    );
}
// ANCHOR_END: panics

// ANCHOR: block_in_place
fn block_in_place_hands_the_worker_over() {
    let rt = two_workers();
    let (started, started_rx) = std_mpsc::channel();
    let mut gates = Vec::new();
    for _ in 0..2 {
        let (gate_tx, gate) = std_mpsc::channel::<()>();
        gates.push(gate_tx);
        let started = started.clone();
        rt.spawn(async move {
            started.send(()).unwrap();
            // The worker hands its queue of tasks to another thread, then
            // runs the closure: blocking here is allowed.
            block_in_place(|| {
                let _ = gate.recv();
            });
        });
    }
    started_rx.recv_timeout(SOON).unwrap();
    started_rx.recv_timeout(SOON).unwrap();
    // Both tasks sit in a std `recv`, on both original workers, and new
    // tasks still run.
    assert!(probe(&rt).recv_timeout(SOON).is_ok());

    // tokio's blocking calls are allowed inside it too.
    let (tx, mut rx) = mpsc::channel(1);
    rt.spawn(async move { block_in_place(|| tx.blocking_send(5)).unwrap() });
    assert_eq!(rt.block_on(rx.recv()), Some(5));
    drop(gates);
}
// ANCHOR_END: block_in_place

fn main() {
    current_thread().block_on(a_std_recv_stops_a_current_thread_runtime());
    a_std_recv_costs_a_multi_thread_runtime_a_worker();
    current_thread().block_on(blocking_calls_panic_on_a_runtime_thread());
    block_in_place_hands_the_worker_over();
}
