//! `shared_state`: visit counts and a cache of fetched pages, shared by many
//! tasks on a multi-thread runtime.
//!
//! A future that `tokio::spawn` accepts must be `Send`, and an `async fn`'s
//! future is `Send` only if everything it keeps alive across an `.await` is.
//! A `std::sync::MutexGuard` is not. So the two operations are built in the
//! two ways that answers:
//!
//! - `record_visit` needs the lock only to count: it takes a std `Mutex`,
//!   counts, and lets the guard go *before* it awaits `report`. Nobody waits
//!   for the lock while a report is in flight.
//! - `get_or_fetch` must hold its lock *while* it fetches, or two tasks that
//!   miss at the same time both fetch. That is what `tokio::sync::Mutex` is
//!   for: its guard is `Send` and may live across `.await`, and tasks that
//!   wait for it are suspended, not blocked.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

/// Visit counts and fetched pages, shared: clone it into each task (the
/// clones share the same data).
#[derive(Clone, Default)]
pub struct PageCache {
    // A std Mutex: locked only for a few instructions, never across `.await`.
    visits: Arc<Mutex<HashMap<String, u64>>>,
    // A tokio Mutex: held across the fetch, on purpose.
    pages: Arc<tokio::sync::Mutex<HashMap<String, String>>>,
}

impl PageCache {
    /// An empty cache: no visits, no pages.
    pub fn new() -> Self {
        Self::default()
    }

    // ANCHOR: record_visit
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
        }; // the guard is dropped here, before any `.await`
        report(count).await;
        count
    }
    // ANCHOR_END: record_visit

    // ANCHOR: visits
    /// How many visits of `page` have been counted so far.
    pub async fn visits(&self, page: &str) -> u64 {
        let visits = self.visits.lock().unwrap();
        visits.get(page).copied().unwrap_or(0)
    }
    // ANCHOR_END: visits

    // ANCHOR: get_or_fetch
    /// The cached copy of `page`; if there is none, fetches it with `fetch`,
    /// caches it and returns it. Each page is fetched once, however many
    /// tasks ask for it at the same time.
    pub async fn get_or_fetch<F, Fut>(&self, page: &str, fetch: F) -> String
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = String>,
    {
        // Waiting for a tokio Mutex suspends this task; the thread runs others.
        let mut pages = self.pages.lock().await;
        if let Some(cached) = pages.get(page) {
            return cached.clone();
        }
        // Held across the fetch on purpose: a task that asks for this page
        // meanwhile waits for the lock, then finds the page cached.
        let fetched = fetch().await;
        pages.insert(page.to_owned(), fetched.clone());
        fetched
    }
    // ANCHOR_END: get_or_fetch
}
