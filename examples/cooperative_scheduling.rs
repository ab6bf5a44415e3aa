//! The "Composing streams" chapter, cooperative scheduling: what an
//! always-ready stream does to the other tasks on a current-thread runtime,
//! how tokio's budget makes its own channels give the thread back, and what
//! `unconstrained` turns off. Every number below is counted, not timed.

// The reference solution, compiled in as the suites compile theirs.
#[path = "../solutions/src/fair_yield.rs"]
mod fair_yield;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::task::Poll;

use fair_yield::Cooperative;
use futures::{Stream, StreamExt, stream};
use tokio::sync::mpsc;
use tokio::task::coop::unconstrained;

const ITEMS: usize = 100_000;

/// Drains `flow` in one task while a heartbeat task counts its own turns;
/// returns how many turns the heartbeat got while the items flowed.
async fn heartbeats_while_draining<S>(flow: S) -> usize
where
    S: Stream<Item = usize> + Send + Unpin + 'static,
{
    let done = Arc::new(AtomicBool::new(false));
    let beats = Arc::new(AtomicUsize::new(0));
    let heartbeat = tokio::spawn({
        let (done, beats) = (Arc::clone(&done), Arc::clone(&beats));
        async move {
            while !done.load(Ordering::SeqCst) {
                beats.fetch_add(1, Ordering::SeqCst);
                tokio::task::yield_now().await;
            }
        }
    });
    tokio::task::yield_now().await;
    let before = beats.load(Ordering::SeqCst);
    let consumer = tokio::spawn(async move {
        let mut flow = flow;
        while flow.next().await.is_some() {}
    });
    consumer.await.unwrap();
    let during = beats.load(Ordering::SeqCst) - before;
    done.store(true, Ordering::SeqCst);
    heartbeat.await.unwrap();
    during
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    runtime.block_on(async {
        // ANCHOR: starves
        // An always-ready stream, drained in a loop: while 100,000 items go
        // through, the heartbeat task gets a single turn (before the first).
        let starved = heartbeats_while_draining(stream::iter(0..ITEMS)).await;
        assert_eq!(starved, 1);
        // ANCHOR_END: starves

        // ANCHOR: cooperative
        // Through `Cooperative`, the heartbeat gets a turn every 128 items:
        // the budget tokio gives a task each time it polls it.
        let fair = heartbeats_while_draining(Cooperative::new(stream::iter(0..ITEMS))).await;
        assert_eq!(fair, ITEMS / 128 + 1);
        // ANCHOR_END: cooperative

        // ANCHOR: channel
        // tokio's own channel spends the same budget: with 200 items waiting,
        // one poll of a task takes 128 of them, then `recv` says Pending
        // (and wakes the task again), although 72 items are still there.
        let (tx, mut rx) = mpsc::unbounded_channel::<u32>();
        for i in 0..200 {
            tx.send(i).unwrap();
        }
        // (A fresh turn first: each poll of a task starts with a full budget.)
        tokio::task::yield_now().await;
        let mut taken_in_one_poll = 0;
        std::future::poll_fn(|cx| {
            while let Poll::Ready(Some(_)) = rx.poll_recv(cx) {
                taken_in_one_poll += 1;
            }
            Poll::Ready(())
        })
        .await;
        assert_eq!(taken_in_one_poll, 128);
        assert_eq!(rx.len(), 72);
        // ANCHOR_END: channel

        // ANCHOR: unconstrained
        // `unconstrained` turns the budget off for one future: the same loop
        // now takes every item in one poll, and starves everyone else while
        // it does.
        let mut taken = 0;
        unconstrained(std::future::poll_fn(|cx| {
            while let Poll::Ready(Some(_)) = rx.poll_recv(cx) {
                taken += 1;
            }
            Poll::Ready(())
        }))
        .await;
        assert_eq!(taken, 72);
        // ANCHOR_END: unconstrained
    });
    println!("cooperative_scheduling: every claim holds");
}
