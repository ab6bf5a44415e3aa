//! Mistake: treats a failed fetch as the end of the pipeline (`?` in a
//! `try_fold`): the fetches after it are never counted.
//! expect: fail sums_what_was_fetched_and_lists_the_ids_that_failed "does not stop the others"

use std::future::Future;

use futures::{FutureExt, Stream, StreamExt, TryStreamExt};

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
    let mut summary = Summary::default();
    let failed = ids
        .map(|id| fetch(id).map(move |result| result.map_err(|_| id)))
        .buffer_unordered(concurrency)
        .try_fold(&mut summary, |summary, value| async move {
            summary.fetched += 1;
            summary.total += value;
            Ok(summary)
        })
        .await
        .err();
    summary.failed.extend(failed);
    summary
}
