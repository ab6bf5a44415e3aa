//! The "Composing streams" chapter, streams that fail: what `try_stream!`,
//! `TryStreamExt` and plain `StreamExt` adapters do with an error in the
//! middle of a stream. Most inputs here are `[Ok(1), Err("bad"), Ok(3)]`:
//! one item before the error, one after.
//!
//! Nothing waits: every input is a `stream::iter`, so `block_on` never parks.

// The reference solution, compiled in as the suites compile theirs.
#[path = "../solutions/src/try_stream.rs"]
mod try_stream;

use std::cell::Cell;
use std::io;
use std::pin::pin;

use async_stream::try_stream;
use futures::executor::block_on;
use futures::future::ready;
use futures::stream::{self, Stream, StreamExt, TryStreamExt};
use try_stream::{ParseError, records, skip_bad};

type Numbers = Result<i32, &'static str>;

/// One item before the error, one after.
fn input() -> impl Stream<Item = Numbers> {
    stream::iter([Ok(1), Err("bad"), Ok(3)])
}

/// Every item of `stream`, to its end.
fn all<S: Stream>(stream: S) -> Vec<S::Item> {
    block_on(stream.collect())
}

// ANCHOR: try_next
/// The sum of the numbers, or the first error. Any `Stream` of `Result`s
/// is a `TryStream`; `try_next` is its `next`, with the error on the outside
/// where `?` can take it.
async fn sum(numbers: impl Stream<Item = Numbers>) -> Numbers {
    let mut numbers = pin!(numbers);
    let mut total = 0;
    while let Some(n) = numbers.try_next().await? {
        total += n;
    }
    Ok(total)
}
// ANCHOR_END: try_next

// ANCHOR: try_stream
/// Each number doubled, until the first error. In `try_stream!`, `yield x`
/// yields `Ok(x)`, and `?` on an `Err` yields that error and ends the stream.
fn doubled(numbers: impl Stream<Item = Numbers>) -> impl Stream<Item = Numbers> {
    try_stream! {
        for await n in numbers {
            yield n? * 2;
        }
    }
}
// ANCHOR_END: try_stream

fn main() {
    assert_eq!(block_on(sum(input())), Err("bad"));
    assert_eq!(block_on(sum(stream::iter([Ok(1), Ok(2)]))), Ok(3));
    assert_eq!(all(doubled(input())), [Ok(2), Err("bad")]);

    // ANCHOR: adapters
    // `TryStreamExt`'s adapters work on the `Ok`s and pass every error
    // through, and the stream goes on after it.
    let adapted = input()
        .map_ok(|n| n * 10)
        .and_then(|n| ready(Ok(n + 1)))
        .try_filter(|n| ready(*n > 0));
    assert_eq!(all(adapted), [Ok(11), Err("bad"), Ok(31)]);
    // So does `try_take_while` ("exits early if an error occurs", says its
    // documentation: its `poll_next` does, the stream goes on).
    let taken = input().try_take_while(|_| ready(Ok(true)));
    assert_eq!(all(taken), [Ok(1), Err("bad"), Ok(3)]);
    // ANCHOR_END: adapters

    // ANCHOR: consumers
    // The consumers stop at the first error and return it; `try_collect`
    // drops what it had collected (the 1 here).
    let collected: Result<Vec<i32>, _> = block_on(input().try_collect());
    assert_eq!(collected, Err("bad"));
    let folded = block_on(input().try_fold(0, |sum, n| ready(Ok(sum + n))));
    assert_eq!(folded, Err("bad"));
    // ANCHOR_END: consumers

    // ANCHOR: mistakes
    // "Take while it is fine" stops at the error, and drops the error itself:
    // it is the item that failed the test.
    let quiet_end = input().take_while(|result| ready(result.is_ok()));
    assert_eq!(all(quiet_end), [Ok(1)]);
    // "Keep what is fine" drops every error and goes on.
    let no_errors = input().filter_map(|result| ready(result.ok()));
    assert_eq!(all(no_errors), [1, 3]);
    // ANCHOR_END: mistakes

    // ANCHOR: scan
    // `scan` can end the stream, but only when it is given an item: after an
    // error it must read one more item to learn that it should stop.
    let read = Cell::new(0);
    let counted = input().inspect(|_| read.set(read.get() + 1));
    let stopped = counted.scan(false, |failed, result| {
        if *failed {
            return ready(None);
        }
        *failed = result.is_err();
        ready(Some(result))
    });
    assert_eq!(all(stopped), [Ok(1), Err("bad")]);
    assert_eq!(read.get(), 3, "the 3 was read, only to be thrown away");
    // ANCHOR_END: scan

    // ANCHOR: policies
    // The exercise's two policies on the same lines: stop, or skip and count.
    let lines = || stream::iter(["a=1", "oops", "b=2"].map(|line| Ok(line.to_owned())));
    let stopped: Vec<_> = all(records(lines()));
    assert!(matches!(
        stopped[..],
        [Ok(_), Err(ParseError::BadLine { line: 2, .. })]
    ));
    let summary = block_on(skip_bad(lines())).unwrap();
    assert_eq!((summary.records.len(), summary.skipped), (2, 1));
    // ANCHOR_END: policies

    // A read error stops both.
    let broken = || stream::iter([Ok("a=1".to_owned()), Err(io::Error::other("gone"))]);
    assert!(matches!(
        all(records(broken()))[..],
        [Ok(_), Err(ParseError::Read(_))]
    ));
    assert!(block_on(skip_bad(broken())).is_err());

    println!("try_streams: every claim holds");
}
