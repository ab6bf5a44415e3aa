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
    todo!("map each id to its fetch, run at most `concurrency` at once, fold the results")
}
