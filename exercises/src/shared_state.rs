//! `shared_state`: visit counts and a cache of fetched pages, shared by many
//! tasks on a multi-thread runtime.
//!
//! This file compiles, and on one thread it even works. But the suite hands
//! these futures to `tokio::spawn`, and there they do not compile: read the
//! compiler's error, then restructure the two `async fn`s it names. There is
//! no `todo!()` here; the bug is in what the code holds across `.await`.
//!
//! Book: "Shared state and Send". Test: `cargo test --test shared_state`.

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
        let mut visits = self.visits.lock().unwrap();
        let count = visits.entry(page.to_owned()).or_insert(0);
        *count += 1;
        let count = *count;
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
        let fetched = fetch().await;
        pages.insert(page.to_owned(), fetched.clone());
        fetched
    }
}
