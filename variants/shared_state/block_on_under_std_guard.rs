//! Mistake: keeps the std guard in `get_or_fetch` and avoids the `.await`
//! by running the fetch to completion with `futures::executor::block_on`.
//! No guard lives across an `.await`, so it compiles and is `Send`. But it
//! blocks the runtime thread until the fetch is done, and the fetch needs
//! that runtime (its timer, its other tasks) to finish: on a current-thread
//! runtime nothing else runs and the paused clock never moves; on a
//! multi-thread one, every task that waits for the lock blocks a worker
//! thread too. The suite's watchdogs name the blocked thread.
//! expect: fail fetches_a_page_once_however_many_tasks_ask_at_once "blocking call on the runtime thread"
//! expect: fail fetches_each_page_once_under_real_concurrency "a worker thread is blocked"

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
        // ANCHOR: fetch
        let mut pages = self.pages.lock().unwrap();
        if let Some(cached) = pages.get(page) {
            return cached.clone();
        }
        let fetched = futures::executor::block_on(fetch());
        pages.insert(page.to_owned(), fetched.clone());
        fetched
        // ANCHOR_END: fetch
    }
}
