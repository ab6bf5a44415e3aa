//! Another right answer: `futures::lock::Mutex` for the pages. Like
//! tokio's, its guard is `Send` and its `lock()` is awaited, so it may be held
//! across the fetch (it is not first-come-first-served as tokio's is, which
//! this cache does not need). The visit counts sit in a std `Mutex` inside a
//! helper function that cannot await at all: the guard cannot outlive it.
//! expect: pass

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

/// Visit counts and fetched pages, shared: clone it into each task (the
/// clones share the same data).
#[derive(Clone, Default)]
pub struct PageCache {
    visits: Arc<Mutex<HashMap<String, u64>>>,
    pages: Arc<futures::lock::Mutex<HashMap<String, String>>>,
}

impl PageCache {
    /// An empty cache: no visits, no pages.
    pub fn new() -> Self {
        Self::default()
    }

    // ANCHOR: count_one
    /// Counts one visit of `page` and returns the new count. A plain `fn`:
    /// it cannot `.await`, so its guard cannot live across one.
    fn count_one(&self, page: &str) -> u64 {
        let mut visits = self.visits.lock().unwrap();
        let count = visits.entry(page.to_owned()).or_insert(0);
        *count += 1;
        *count
    }
    // ANCHOR_END: count_one

    /// Counts one visit of `page`, then awaits `report(count)` with the new
    /// count (sending it to a metrics service, say: slow), and returns the
    /// count.
    pub async fn record_visit<F, Fut>(&self, page: &str, report: F) -> u64
    where
        F: FnOnce(u64) -> Fut,
        Fut: Future<Output = ()>,
    {
        let count = self.count_one(page);
        report(count).await;
        count
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
