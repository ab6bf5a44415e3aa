//! Channel throughput: std vs tokio vs futures, 1 → 1 and 4 → 1.
//!
//! Each iteration starts the producers (a thread each for std channels, a
//! task each on a 2-worker tokio runtime for the async ones), sends
//! `MESSAGES` `u64`s in all, and receives them on the consumer side (the
//! benchmark's own thread for std, the runtime's `block_on` for async).
//!
//! Run: `cargo bench --bench channels`; then `cargo run -- bench-report`.

use std::hint::black_box;
use std::sync::mpsc as std_mpsc;
use std::thread;

use asynclings_benches::{BUFFERS, MESSAGES, PRODUCERS, multi_thread};
use criterion::{
    BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use futures::{SinkExt, StreamExt};
use tokio::runtime::Runtime;

// The names the book's tables use. `std` is `sync_channel(buffer)` when
// bounded and `channel()` when not.
const STD: &str = "std::sync::mpsc";
const TOKIO: &str = "tokio::sync::mpsc";
const FUTURES: &str = "futures::channel::mpsc";

/// How many messages each of `producers` sends.
fn share(producers: u64) -> u64 {
    MESSAGES / producers
}

fn std_unbounded(producers: u64) -> u64 {
    let (tx, rx) = std_mpsc::channel();
    for _ in 0..producers {
        let tx = tx.clone();
        thread::spawn(move || (0..share(producers)).for_each(|i| tx.send(i).unwrap()));
    }
    drop(tx);
    rx.iter().sum()
}

fn std_bounded(producers: u64, buffer: usize) -> u64 {
    let (tx, rx) = std_mpsc::sync_channel(buffer);
    for _ in 0..producers {
        let tx = tx.clone();
        thread::spawn(move || (0..share(producers)).for_each(|i| tx.send(i).unwrap()));
    }
    drop(tx);
    rx.iter().sum()
}

fn tokio_bounded(rt: &Runtime, producers: u64, buffer: usize) -> u64 {
    rt.block_on(async {
        let (tx, mut rx) = tokio::sync::mpsc::channel(buffer);
        for _ in 0..producers {
            let tx = tx.clone();
            tokio::spawn(async move {
                for i in 0..share(producers) {
                    tx.send(i).await.unwrap();
                }
            });
        }
        drop(tx);
        let mut sum = 0;
        while let Some(i) = rx.recv().await {
            sum += i;
        }
        sum
    })
}

fn tokio_unbounded(rt: &Runtime, producers: u64) -> u64 {
    rt.block_on(async {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        for _ in 0..producers {
            let tx = tx.clone();
            tokio::spawn(async move { (0..share(producers)).for_each(|i| tx.send(i).unwrap()) });
        }
        drop(tx);
        let mut sum = 0;
        while let Some(i) = rx.recv().await {
            sum += i;
        }
        sum
    })
}

fn futures_bounded(rt: &Runtime, producers: u64, buffer: usize) -> u64 {
    rt.block_on(async {
        // futures' bounded channel has room for `buffer` plus one slot per
        // sender; the closest match to the others' `buffer`.
        let (tx, rx) = futures::channel::mpsc::channel(buffer);
        for _ in 0..producers {
            let mut tx = tx.clone();
            tokio::spawn(async move {
                for i in 0..share(producers) {
                    tx.send(i).await.unwrap();
                }
            });
        }
        drop(tx);
        rx.fold(0, |sum, i| async move { sum + i }).await
    })
}

fn futures_unbounded(rt: &Runtime, producers: u64) -> u64 {
    rt.block_on(async {
        let (tx, rx) = futures::channel::mpsc::unbounded();
        for _ in 0..producers {
            let tx = tx.clone();
            tokio::spawn(async move {
                (0..share(producers)).for_each(|i| tx.unbounded_send(i).unwrap())
            });
        }
        drop(tx);
        rx.fold(0, |sum, i| async move { sum + i }).await
    })
}

fn channels(c: &mut Criterion) {
    let rt = multi_thread();
    for producers in [1, PRODUCERS] {
        let mut group = c.benchmark_group(format!("channels/{producers}to1"));
        group.throughput(Throughput::Elements(MESSAGES));
        // Small buffers take tens of milliseconds per iteration: the same
        // number of iterations in every sample keeps the run short.
        group.sampling_mode(SamplingMode::Flat);
        group.bench_function(BenchmarkId::new(STD, "unbounded"), |b| {
            b.iter(|| black_box(std_unbounded(producers)))
        });
        group.bench_function(BenchmarkId::new(TOKIO, "unbounded"), |b| {
            b.iter(|| black_box(tokio_unbounded(&rt, producers)))
        });
        group.bench_function(BenchmarkId::new(FUTURES, "unbounded"), |b| {
            b.iter(|| black_box(futures_unbounded(&rt, producers)))
        });
        for buffer in BUFFERS {
            group.bench_function(BenchmarkId::new(STD, buffer), |b| {
                b.iter(|| black_box(std_bounded(producers, buffer)))
            });
            group.bench_function(BenchmarkId::new(TOKIO, buffer), |b| {
                b.iter(|| black_box(tokio_bounded(&rt, producers, buffer)))
            });
            group.bench_function(BenchmarkId::new(FUTURES, buffer), |b| {
                b.iter(|| black_box(futures_bounded(&rt, producers, buffer)))
            });
        }
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = asynclings_benches::config();
    targets = channels
}
criterion_main!(benches);
