//! `pipeline`: a data pipeline from stream combinators.
//!
//! Book: "Pipeline" (in the Composing streams part). Test:
//! `cargo test --test pipeline`.

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

/// Fetches every id of `ids` with `fetch`, at most `concurrency` fetches at
/// a time, and sums up what came back: the values that were fetched are
/// added up, the ids whose fetch failed are listed.
///
/// Written with stream combinators only. It pulls an id from `ids` only when
/// a fetch slot is free (it never reads the whole source first), starts a
/// new fetch as soon as any running one finishes (a slow fetch does not hold
/// the others back), and never runs more than `concurrency` fetches at once.
/// Fetches finish in any order; each result is matched to its own id.
///
/// # Panics
///
/// If `concurrency` is 0 (when the returned future is first polled).
pub async fn pipeline<S, F, Fut, E>(ids: S, mut fetch: F, concurrency: usize) -> Summary
where
    S: Stream<Item = u32>,
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<u64, E>>,
{
    // `buffer_unordered(0)` would never start a fetch, and never end.
    assert!(concurrency >= 1, "pipeline: concurrency must be at least 1");
    // ANCHOR: pipeline
    let mut summary = ids
        // Each id becomes a fetch that remembers its id: results come back in
        // the order fetches finish, not the order ids went in.
        .map(|id| fetch(id).map(move |result| (id, result)))
        // At most `concurrency` fetches at once; a free slot takes the next id
        // at once, whichever fetch freed it.
        .buffer_unordered(concurrency)
        // Fold the results into the summary as they come.
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
    // ANCHOR_END: pipeline
    summary.failed.sort_unstable();
    summary
}
