//! Mistake: no check of `concurrency`. `buffer_unordered(0)` never starts a
//! fetch, and nothing ever wakes it: with 0 the pipeline hangs forever.
//! expect: fail concurrency_of_zero_panics_with_a_message "must be at least 1"

use std::future::Future;

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
    let mut summary = ids
        .map(|id| fetch(id).map(move |result| (id, result)))
        .buffer_unordered(concurrency)
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
