//! Mistake: splits the count around the report: reads it (plus one) under
//! the lock, awaits the report with no lock held, and writes it back under
//! the lock afterwards. No guard lives across the `.await`, so it compiles;
//! but two visits whose reports overlap both read the same count, both
//! return it, and one visit is lost. The read, the increment and the read of
//! the new count are one critical section, before the `.await`.
//! expect: fail no_lock_is_held_while_report_is_awaited "count first, then report"

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

/// Visit counts and fetched pages, shared: clone it into each task (the
/// clones share the same data).
#[derive(Clone, Default)]
pub struct PageCache {
    visits: Arc<Mutex<HashMap<String, u64>>>,
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
        let count = self.visits.lock().unwrap().get(page).copied().unwrap_or(0) + 1;
        report(count).await;
        self.visits.lock().unwrap().insert(page.to_owned(), count);
        count
        // ANCHOR_END: record
    }

    /// How many visits of `page` have been counted so far.
    pub async fn visits(&self, page: &str) -> u64 {
        let visits = self.visits.lock().unwrap();
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
