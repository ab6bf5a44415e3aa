//! The reference solutions against the ecosystem's equivalents.
//!
//! Each group holds two (or more) ways to do the same work; the book quotes
//! their ratio. A solution more than 5 % slower than its equivalent is a
//! finding, fixed in the solution or explained in the book.
//!
//! Run: `cargo bench --bench ecosystem`; then `cargo run -- bench-report`.

use std::future::ready;
use std::hint::black_box;
use std::time::Duration;

use asynclings_benches::{current_thread, multi_thread};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use futures::{Stream, StreamExt, stream};
use solutions::block_on::block_on;
use solutions::channel_stream::ReceiverStream;
use solutions::countdown::Countdown;
use solutions::throttled_stream::ThrottledStream;
use solutions::worker_pool::async_worker_pool;

const ITEMS: u64 = 10_000;

/// A closed channel that holds `ITEMS` items.
fn filled() -> tokio::sync::mpsc::Receiver<u64> {
    let (tx, rx) = tokio::sync::mpsc::channel(ITEMS as usize);
    for i in 0..ITEMS {
        tx.try_send(i).unwrap();
    }
    rx
}

async fn sum(stream: impl Stream<Item = u64>) -> u64 {
    stream.fold(0, |sum, i| ready(sum + i)).await
}

fn receiver_stream(c: &mut Criterion) {
    let rt = current_thread();
    let mut group = c.benchmark_group("ReceiverStream");
    group.throughput(Throughput::Elements(ITEMS));
    group.bench_function("solutions::channel_stream", |b| {
        b.iter_batched(
            filled,
            |rx| rt.block_on(sum(ReceiverStream::new(rx))),
            BatchSize::LargeInput,
        )
    });
    group.bench_function("tokio_stream::wrappers", |b| {
        b.iter_batched(
            filled,
            |rx| rt.block_on(sum(tokio_stream::wrappers::ReceiverStream::new(rx))),
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

fn throttle_zero(c: &mut Criterion) {
    let rt = current_thread();
    let mut group = c.benchmark_group("throttle, zero delay");
    group.throughput(Throughput::Elements(ITEMS));
    group.bench_function("solutions::throttled_stream", |b| {
        b.iter(|| {
            rt.block_on(sum(ThrottledStream::new(
                stream::iter(0..ITEMS),
                Duration::ZERO,
            )))
        })
    });
    group.bench_function("tokio_stream::StreamExt::throttle", |b| {
        b.iter(|| {
            rt.block_on(async {
                // `throttle` makes its timer at once: inside the runtime.
                let throttled =
                    tokio_stream::StreamExt::throttle(stream::iter(0..ITEMS), Duration::ZERO);
                sum(throttled).await
            })
        })
    });
    group.finish();
}

/// A job that only waits: what async pools are for.
async fn light_job(x: u64) -> u64 {
    tokio::task::yield_now().await;
    x * 2
}

/// A job that keeps a core busy for a while (tens of microseconds).
async fn cpu_job(x: u64) -> u64 {
    (0..100_000u64).fold(x, |acc, i| black_box(acc ^ i.wrapping_mul(31)))
}

fn worker_pools(c: &mut Criterion) {
    let rt = multi_thread();
    for (name, jobs) in [("light jobs", 1_000u64), ("CPU-bound jobs", 64)] {
        let mut group = c.benchmark_group(format!("worker pool, {name}"));
        group.throughput(Throughput::Elements(jobs));
        let cpu = name.starts_with("CPU");
        group.bench_function("solutions::async_worker_pool", |b| {
            b.iter(|| {
                rt.block_on(async {
                    let items: Vec<u64> = (0..jobs).collect();
                    if cpu {
                        async_worker_pool(items, 8, cpu_job).await
                    } else {
                        async_worker_pool(items, 8, light_job).await
                    }
                })
            })
        });
        group.bench_function("futures::StreamExt::buffered", |b| {
            b.iter(|| {
                rt.block_on(async {
                    let items = stream::iter(0..jobs);
                    if cpu {
                        items.map(cpu_job).buffered(8).collect::<Vec<_>>().await
                    } else {
                        items.map(light_job).buffered(8).collect::<Vec<_>>().await
                    }
                })
            })
        });
        group.finish();
    }
}

fn executors(c: &mut Criterion) {
    let mut group = c.benchmark_group("block_on, a ready future");
    group.bench_function("solutions::block_on", |b| {
        b.iter(|| block_on(ready(black_box(7))))
    });
    group.bench_function("futures::executor::block_on", |b| {
        b.iter(|| futures::executor::block_on(ready(black_box(7))))
    });
    group.finish();

    let mut group = c.benchmark_group("block_on, 100 self-wakes");
    group.bench_function("solutions::block_on", |b| {
        b.iter(|| block_on(Countdown::new(black_box(100))))
    });
    group.bench_function("futures::executor::block_on", |b| {
        b.iter(|| futures::executor::block_on(Countdown::new(black_box(100))))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = asynclings_benches::config();
    targets = receiver_stream, throttle_zero, worker_pools, executors
}
criterion_main!(benches);
