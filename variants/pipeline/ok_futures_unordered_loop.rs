//! Another right answer, without `buffer_unordered`: a `FuturesUnordered`
//! of running fetches, topped up from the source while it has fewer than
//! `concurrency`, drained one result at a time.
//! expect: pass

use std::future::Future;

use futures::stream::FuturesUnordered;
use futures::{FutureExt, Stream, StreamExt};

/// What a run of [`pipeline`] found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    /// How many fetches succeeded.
    pub fetched: usize,
    /// The sum of the values they returned.
    pub total: u64,
    /// The ids whose fetch failed, in increasing order.
    pub failed: Vec<u32>,
}

/// Fetches every id of `ids`, at most `concurrency` at a time, and sums up.
pub async fn pipeline<S, F, Fut, E>(ids: S, mut fetch: F, concurrency: usize) -> Summary
where
    S: Stream<Item = u32>,
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<u64, E>>,
{
    assert!(concurrency >= 1, "pipeline: concurrency must be at least 1");
    // One closure makes every fetch, so they all have one type.
    let mut start = |id: u32| fetch(id).map(move |result| (id, result));
    let mut ids = std::pin::pin!(ids.fuse());
    let mut running = FuturesUnordered::new();
    let mut summary = Summary::default();
    loop {
        while running.len() < concurrency {
            match ids.next().now_or_never() {
                Some(Some(id)) => running.push(start(id)),
                _ => break,
            }
        }
        if running.is_empty() {
            match ids.next().await {
                Some(id) => {
                    running.push(start(id));
                    continue;
                }
                None => break,
            }
        }
        let Some((id, result)) = running.next().await else {
            break;
        };
        match result {
            Ok(value) => {
                summary.fetched += 1;
                summary.total += value;
            }
            Err(_) => summary.failed.push(id),
        }
    }
    summary.failed.sort_unstable();
    summary
}
