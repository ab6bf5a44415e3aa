//! Mistake: does not carry the id along, and takes the n-th result that
//! arrives for the result of id n. `buffer_unordered` hands results out in
//! the order fetches finish, so failures are blamed on the wrong ids.
//! expect: fail failures_are_matched_to_their_own_ids_whatever_order_fetches_finish_in "carry each id along"
//! expect: pass sums_what_was_fetched_and_lists_the_ids_that_failed

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
    // ANCHOR: pipeline
    let mut summary = ids
        .map(&mut fetch)
        .buffer_unordered(concurrency)
        .enumerate()
        .map(|(n, result)| (n as u32, result))
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
