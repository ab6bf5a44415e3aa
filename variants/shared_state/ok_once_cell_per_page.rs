//! Another right answer: one `tokio::sync::OnceCell` per page. A std
//! `Mutex` guards only the map of cells, for as long as it takes to find or
//! add a page's cell; the fetch runs in the cell's `get_or_init`, with no
//! lock of the map held. Tasks that ask for the same page wait for the same
//! cell; other pages are fetched side by side. A `get_or_init` that is
//! dropped halfway leaves the cell empty, and the next caller fetches.
//! expect: pass

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use tokio::sync::OnceCell;

/// Visit counts and fetched pages, shared: clone it into each task (the
/// clones share the same data).
#[derive(Clone, Default)]
pub struct PageCache {
    visits: Arc<Mutex<HashMap<String, u64>>>,
    pages: Arc<Mutex<HashMap<String, Arc<OnceCell<String>>>>>,
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
        let count = {
            let mut visits = self.visits.lock().unwrap();
            let count = visits.entry(page.to_owned()).or_insert(0);
            *count += 1;
            *count
        };
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
        // ANCHOR: fetch
        let cell = {
            let mut pages = self.pages.lock().unwrap();
            Arc::clone(pages.entry(page.to_owned()).or_default())
        }; // the map's lock is free again
        cell.get_or_init(fetch).await.clone()
        // ANCHOR_END: fetch
    }
}
