//! Mistake: swaps both locks for `tokio::sync::Mutex` and changes nothing
//! else. It compiles (a tokio guard is `Send`) and it counts right, but
//! `record_visit` now holds the visit counts' lock while it awaits the slow
//! report: every other visit, and every `visits()`, waits for it. Here the
//! lock is needed only to count: let it go before the `.await`.
//! expect: fail no_lock_is_held_while_report_is_awaited "never finished (1000 ms of virtual time)"

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;

/// Visit counts and fetched pages, shared: clone it into each task (the
/// clones share the same data).
#[derive(Clone, Default)]
pub struct PageCache {
    visits: Arc<tokio::sync::Mutex<HashMap<String, u64>>>,
    pages: Arc<tokio::sync::Mutex<HashMap<String, String>>>,
}

impl PageCache {
    /// An empty cache: no visits, no pages.
    pub fn new() -> Self {
        Self::default()
    }

    /// Counts one visit of `page`, then awaits `report(count)` with the new
    /// count (sending it to a metrics service, say: slow), and returns the
    /// count.
    pub async fn record_visit<F, Fut>(&self, page: &str, report: F) -> u64
    where
        F: FnOnce(u64) -> Fut,
        Fut: Future<Output = ()>,
    {
        // ANCHOR: record
        let mut visits = self.visits.lock().await;
        let count = visits.entry(page.to_owned()).or_insert(0);
        *count += 1;
        let count = *count;
        report(count).await;
        count
        // ANCHOR_END: record
    }

    /// How many visits of `page` have been counted so far.
    pub async fn visits(&self, page: &str) -> u64 {
        let visits = self.visits.lock().await;
        visits.get(page).copied().unwrap_or(0)
    }

    /// The cached copy of `page`; if there is none, fetches it with `fetch`,
    /// caches it and returns it. Each page is fetched once, however many
    /// tasks ask for it at the same time.
    pub async fn get_or_fetch<F, Fut>(&self, page: &str, fetch: F) -> String
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = String>,
    {
        let mut pages = self.pages.lock().await;
        if let Some(cached) = pages.get(page) {
            return cached.clone();
        }
        let fetched = fetch().await;
        pages.insert(page.to_owned(), fetched.clone());
        fetched
    }
}
