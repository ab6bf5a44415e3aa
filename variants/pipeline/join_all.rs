//! Mistake: `join_all` over every fetch. It reads the whole source first,
//! then runs every fetch at once: no limit, and nothing starts until the
//! source is read.
//! expect: fail never_runs_more_than_concurrency_fetches_at_once "join_all"
//! expect: fail pulls_ids_from_the_source_only_as_slots_free_up "Collecting the source first"
//! expect: named with unbounded_buffer

use std::future::Future;

use futures::future::join_all;
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
    let _ = concurrency;
    let all: Vec<u32> = ids.collect().await;
    let results = join_all(
        all.into_iter()
            .map(|id| fetch(id).map(move |result| (id, result))),
    )
    .await;
    let mut summary = futures::stream::iter(results)
        .fold(Summary::default(), |mut summary, (id, result)| async move {
            match result {
                Ok(value) => {
                    summary.fetched += 1;
                    summary.total += value;
                }
                Err(_) => summary.failed.push(id),
            }
            summary
        })
        .await;
    summary.failed.sort_unstable();
    summary
}
