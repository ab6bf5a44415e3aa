//! Mistake: keeps the std guard in `get_or_fetch` and runs the fetch inside
//! `tokio::task::block_in_place`, with `Handle::block_on`. It compiles, and
//! on a multi-thread runtime it even works, slowly: every task that waits
//! for the std lock blocks a worker thread meanwhile. On a current-thread
//! runtime (the paused clock's) `block_in_place` panics. Holding a lock
//! across the fetch is right here; a std lock is not the one to hold.
//! expect: fail fetches_a_page_once_however_many_tasks_ask_at_once "can call blocking only when running on the multi-threaded runtime"
//! expect: fail a_fetch_dropped_halfway_caches_nothing_and_blocks_nobody "can call blocking only when running on the multi-threaded runtime"

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

/// Visit counts and fetched pages, shared: clone it into each task (the
/// clones share the same data).
#[derive(Clone, Default)]
pub struct PageCache {
    visits: Arc<Mutex<HashMap<String, u64>>>,
    pages: Arc<Mutex<HashMap<String, String>>>,
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
        let mut pages = self.pages.lock().unwrap();
        if let Some(cached) = pages.get(page) {
            return cached.clone();
        }
        let fetched =
            tokio::task::block_in_place(|| tokio::runtime::Handle::current().block_on(fetch()));
        pages.insert(page.to_owned(), fetched.clone());
        fetched
    }
}
