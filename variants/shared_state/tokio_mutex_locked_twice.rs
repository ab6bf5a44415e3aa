//! Mistake: switches the pages to a `tokio::sync::Mutex` but keeps the
//! shape "lock, look, unlock; fetch; lock, insert". Each `lock().await`
//! guard is a temporary that is dropped at the end of its statement (an
//! `if let`'s before its `else`), so no lock is held during the fetch, and
//! every task that misses while the page is being fetched fetches it too.
//! The right lock is not enough: it must be held from the check to the
//! insert.
//! expect: fail fetches_a_page_once_however_many_tasks_ask_at_once "fetched 8 times"
//! expect: named with scoped_guard_in_fetch

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
        if let Some(cached) = self.pages.lock().await.get(page) {
            return cached.clone();
        }
        let fetched = fetch().await;
        self.pages
            .lock()
            .await
            .insert(page.to_owned(), fetched.clone());
        fetched
        // ANCHOR_END: fetch
    }
}
