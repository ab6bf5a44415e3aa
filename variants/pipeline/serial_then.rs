//! Mistake: `then` where concurrency was asked for. `then` awaits each
//! fetch before it pulls the next id: one fetch at a time, whatever
//! `concurrency` says.
//! expect: fail ten_100ms_fetches_at_concurrency_3_take_400ms "one after another"
//! expect: fail ten_100ms_fetches_at_concurrency_3_take_400ms "poll 10 -> Pending"
//! expect: fail a_slow_fetch_does_not_hold_back_the_others "500 ms in all"

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
    assert!(concurrency >= 1, "pipeline: concurrency must be at least 1");
    let _ = concurrency;
    // ANCHOR: pipeline
    let mut summary = ids
        .then(|id| fetch(id).map(move |result| (id, result)))
        // ANCHOR_END: pipeline
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
