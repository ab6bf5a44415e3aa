//! Another right answer: `for_each_concurrent` runs at most `concurrency`
//! fetches at once and pulls the next id when one finishes; each fetch adds
//! its own result to a summary shared through a `RefCell` (everything runs
//! in one task, so no lock is needed).
//! expect: pass

use std::cell::RefCell;
use std::future::Future;

use futures::{Stream, StreamExt};

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
    let summary = RefCell::new(Summary::default());
    ids.for_each_concurrent(concurrency, |id| {
        let fetching = fetch(id);
        let summary = &summary;
        async move {
            let result = fetching.await;
            let mut summary = summary.borrow_mut();
            match result {
                Ok(value) => {
                    summary.fetched += 1;
                    summary.total += value;
                }
                Err(_) => summary.failed.push(id),
            }
        }
    })
    .await;
    // ANCHOR_END: pipeline
    let mut summary = summary.into_inner();
    summary.failed.sort_unstable();
    summary
}
