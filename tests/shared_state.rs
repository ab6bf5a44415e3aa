//! Hidden suite for `shared_state`: visit counts and a page cache shared by
//! many tasks, and what may live across an `.await`.
//!
//! Contract: `PageCache` is `Clone` (the clones share one state) and
//! `Default`; `PageCache::new()` is empty. An `async move` block that owns a
//! clone and awaits any of its methods is `Send + 'static` (given a `Send`
//! `report` or `fetch`), so it can be handed to `tokio::spawn` on a
//! multi-thread runtime: this is checked by the compiler, in the test that
//! spawns them.
//!
//! `record_visit(page, report)` counts one visit of `page`, then calls
//! `report(count)` with the new count, awaits the future it returns, and
//! returns the count. Under any concurrency no visit is lost and no count is
//! given twice: the counts returned for a page are 1, 2, 3, … each once. No
//! lock is held while `report` is awaited: meanwhile, other tasks can count
//! visits of the same page and read the counts, at once.
//!
//! `visits(page)` is the number of visits counted so far (0 for a page never
//! visited).
//!
//! `get_or_fetch(page, fetch)` returns the cached copy of `page`; on a miss it
//! calls `fetch()`, awaits it, caches the result and returns it. Each page is
//! fetched once, however many tasks ask for it at the same time: a task that
//! asks while the page is being fetched waits for that fetch and gets its
//! result (its own `fetch` is never called), as soon as that fetch is done. A
//! fetch that is dropped before it finishes (its caller was cancelled) caches
//! nothing and blocks nobody: the next caller fetches. Fetches of different
//! pages may run one after the other (one lock around the whole cache is
//! accepted) or side by side.
//!
//! The runtime tests run on tokio's paused clock (every timestamp is exact
//! virtual time, in milliseconds since the start), or on a multi-thread
//! runtime with 4 worker threads for real concurrency; a watchdog turns a hang
//! into a failure that says what probably blocked.

// The code under test, compiled into this suite: your `exercises/src/shared_state.rs`,
// or the reference solution with `cargo test --features solutions`.
#[cfg_attr(not(feature = "solutions"), path = "../exercises/src/shared_state.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/src/shared_state.rs")]
mod shared_state;

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use shared_state::PageCache;
use tokio::sync::oneshot;
use tokio::time::{Instant, advance, sleep};
use tokio_test::task;

const WORKERS: usize = 4;

const PAUSED_HANG: &str = "the test never finished: a task waited for a lock that was \
    never released, or blocked the runtime's only thread (a `block_on` inside a task, a \
    std `Mutex` locked twice by one task)";

const THREADS_HANG: &str = "the test never finished on the multi-thread runtime: a worker \
    thread is blocked. A `std::sync::Mutex` locked twice by one task (it deadlocks with \
    itself), or a task blocking its thread while it holds a std lock (a \
    `futures::executor::block_on` or `Handle::block_on` around a fetch), stops every task \
    that waits for that lock, and then the whole runtime. Lock a std Mutex only for a few \
    instructions, never around waiting for something";

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// Virtual milliseconds since `start`.
fn since(start: Instant) -> u64 {
    (Instant::now() - start).as_millis() as u64
}

/// `future`'s output, or `None` if it is still pending after `limit_ms` (on
/// the paused clock, that comes at once once every task is waiting).
async fn within<F: Future>(limit_ms: u64, future: F) -> Option<F::Output> {
    tokio::select! {
        biased;
        output = future => Some(output),
        () = sleep(ms(limit_ms)) => None,
    }
}

/// The report of most tests: it lets other tasks run before it is done.
async fn yield_twice() {
    tokio::task::yield_now().await;
    tokio::task::yield_now().await;
}

#[test]
fn its_futures_can_be_spawned_on_a_multi_thread_runtime() {
    support::multi_thread(THREADS_HANG, WORKERS, || async {
        let cache = PageCache::new();
        // `tokio::spawn` takes only futures that are `Send + 'static`: these
        // three lines are what the compiler checks. Each task owns a clone.
        let visit = tokio::spawn({
            let cache = cache.clone();
            async move { cache.record_visit("home", |_| yield_twice()).await }
        });
        let fetch = tokio::spawn({
            let cache = cache.clone();
            async move {
                let fetch = || async {
                    yield_twice().await;
                    "<h1>home</h1>".to_owned()
                };
                cache.get_or_fetch("home", fetch).await
            }
        });
        let read = tokio::spawn({
            let cache = cache.clone();
            async move {
                let _ = visit.await;
                cache.visits("home").await
            }
        });
        assert_eq!(
            read.await.expect("the spawned task panicked"),
            1,
            "one task recorded a visit of \"home\" (and was awaited), then another read \
             `visits(\"home\")`: the clones of a PageCache share one state"
        );
        assert_eq!(
            fetch.await.expect("the spawned task panicked"),
            "<h1>home</h1>",
            "a spawned `get_or_fetch` on an empty cache returns what `fetch` gave"
        );
        assert_eq!(
            cache.visits("about").await,
            0,
            "a page never visited: 0 visits"
        );
    });
}

#[test]
fn counts_every_visit_once_under_real_concurrency() {
    const TASKS: usize = 8;
    const EACH: u64 = 200;
    let per_task = support::multi_thread(THREADS_HANG, WORKERS, || async {
        let cache = PageCache::new();
        let tasks: Vec<_> = (0..TASKS)
            .map(|t| {
                let cache = cache.clone();
                tokio::spawn(async move {
                    // Alternately "home" and "about"; the tasks start on
                    // different pages.
                    let mut got: Vec<(&str, u64, u64)> = Vec::new();
                    for k in 0..EACH {
                        let page = ["home", "about"][(k as usize + t) % 2];
                        let mut reported = None;
                        let count = cache
                            .record_visit(page, |n| {
                                reported = Some(n);
                                yield_twice()
                            })
                            .await;
                        got.push((page, count, reported.unwrap_or(0)));
                    }
                    got
                })
            })
            .collect();
        let mut per_task = Vec::new();
        for task in tasks {
            per_task.push(task.await.expect("a spawned task panicked"));
        }
        let totals = (cache.visits("home").await, cache.visits("about").await);
        (per_task, totals)
    });
    let (per_task, totals) = per_task;
    for (t, got) in per_task.iter().enumerate() {
        for &(page, count, reported) in got {
            assert_eq!(
                reported, count,
                "task {t}: `record_visit(\"{page}\", report)` returned {count} but called \
                 `report` with {reported} (0: never called): report the new count, the one \
                 it returns, and call `report` before returning"
            );
        }
        for page in ["home", "about"] {
            let counts: Vec<u64> = got
                .iter()
                .filter(|(p, ..)| *p == page)
                .map(|&(_, count, _)| count)
                .collect();
            assert!(
                counts.windows(2).all(|w| w[0] < w[1]),
                "task {t} recorded {} visits of \"{page}\" one after the other, and the \
                 counts it got back did not grow: {counts:?}. Each call counts one more \
                 visit and returns the count it made, read in the same critical section \
                 as the increment",
                counts.len()
            );
        }
    }
    let want = TASKS as u64 * EACH / 2;
    for page in ["home", "about"] {
        let mut counts: Vec<u64> = per_task
            .iter()
            .flatten()
            .filter(|(p, ..)| *p == page)
            .map(|&(_, count, _)| count)
            .collect();
        counts.sort_unstable();
        let twice: Vec<u64> = counts
            .windows(2)
            .filter(|w| w[0] == w[1])
            .map(|w| w[0])
            .take(5)
            .collect();
        assert!(
            twice.is_empty(),
            "{TASKS} tasks on {WORKERS} threads recorded {want} visits of \"{page}\", and \
             some counts were returned to two calls (e.g. {twice:?}): a lost update. The \
             read, the increment and the read of the new count must be one critical \
             section, under one lock, with no `.await` inside it"
        );
        assert_eq!(
            counts,
            (1..=want).collect::<Vec<u64>>(),
            "{TASKS} tasks on {WORKERS} threads recorded {want} visits of \"{page}\": the \
             counts returned must be 1 to {want}, each once"
        );
    }
    assert_eq!(
        totals,
        (want, want),
        "after {TASKS} tasks recorded {want} visits of each page, (visits(\"home\"), \
         visits(\"about\")) must be exact: a visit lost under concurrency?"
    );
}

#[test]
fn no_lock_is_held_while_report_is_awaited() {
    support::paused(PAUSED_HANG, || async {
        let cache = PageCache::new();
        let (called_tx, mut called) = oneshot::channel();
        let (release, released) = oneshot::channel::<()>();
        // The first visit's report waits until the test releases it.
        let mut first = task::spawn(cache.record_visit("home", move |n| {
            let _ = called_tx.send(n);
            async move {
                let _ = released.await;
            }
        }));
        assert!(
            first.poll().is_pending(),
            "`record_visit`'s report was still waiting, but `record_visit` returned: it \
             must await the future `report(count)` returns"
        );
        assert_eq!(
            called.try_recv().ok(),
            Some(1),
            "the first visit of \"home\": at its first poll, `record_visit` counts it and \
             calls `report(1)` (got the count it reported; None: `report` not called yet)"
        );
        // `first` is suspended inside its report. Can others use the counts?
        let seen = within(1_000, cache.visits("home")).await;
        assert_eq!(
            seen,
            Some(1),
            "while the first `record_visit` was suspended awaiting its report, \
             `visits(\"home\")` {}",
            match seen {
                None => "never finished (1000 ms of virtual time): it waited for the lock \
                         that the suspended call still held. No lock may be held while a \
                         report is awaited: count under the lock, end the guard's block, and \
                         only then await `report(count)`. (A `tokio::sync::Mutex` compiles \
                         when held across `.await`, but then everyone waits for the slow \
                         report.)"
                    .to_owned(),
                Some(n) => format!(
                    "gave {n}, not 1: the visit must be counted before its report is \
                     awaited (count first, then report the new count)"
                ),
            }
        );
        let second = within(1_000, cache.record_visit("home", |_| async {})).await;
        assert_eq!(
            second,
            Some(2),
            "while the first `record_visit(\"home\")` (count 1) was suspended awaiting its \
             report, a second one {}. The count must be made and read in one critical \
             section before the `.await`, and no lock held across it",
            match second {
                None => "never finished (1000 ms of virtual time): it waited for a lock held \
                         across the first one's report"
                    .to_owned(),
                Some(n) => format!(
                    "returned {n}, not 2: a count written after the report is awaited, or \
                     read again after it, mixes up the calls"
                ),
            }
        );
        let _ = release.send(());
        assert!(
            first.is_woken(),
            "the first report finished, but the first `record_visit`'s task was not woken"
        );
        assert_eq!(
            first.poll(),
            std::task::Poll::Ready(1),
            "the first `record_visit` returns the count it made (1), whatever happened \
             while it awaited its report"
        );
        drop(first);
        assert_eq!(
            cache.visits("home").await,
            2,
            "two visits of \"home\" were recorded"
        );
    });
}

/// A fetch that counts its calls in `calls`, takes 100 ms on the paused
/// clock (or a few yields on the real one) and returns "<page> #<call>".
fn counting_fetch(
    calls: &Arc<AtomicUsize>,
    page: &str,
    paused: bool,
) -> impl FnOnce() -> std::pin::Pin<Box<dyn Future<Output = String> + Send>> + Send + use<> {
    let calls = Arc::clone(calls);
    let page = page.to_owned();
    move || {
        let call = calls.fetch_add(1, Ordering::SeqCst) + 1;
        Box::pin(async move {
            if paused {
                sleep(ms(100)).await;
            } else {
                for _ in 0..4 {
                    tokio::task::yield_now().await;
                }
            }
            format!("{page} #{call}")
        })
    }
}

#[test]
fn fetches_a_page_once_however_many_tasks_ask_at_once() {
    const TASKS: usize = 8;
    let (calls, got) = support::paused(PAUSED_HANG, || async {
        let cache = PageCache::new();
        let calls = Arc::new(AtomicUsize::new(0));
        let start = Instant::now();
        // Eight tasks ask for "home" at 0 ms; each would fetch it in 100 ms.
        let tasks: Vec<_> = (0..TASKS)
            .map(|_| {
                let cache = cache.clone();
                let fetch = counting_fetch(&calls, "home", true);
                tokio::spawn(async move {
                    let page = cache.get_or_fetch("home", fetch).await;
                    (page, since(start))
                })
            })
            .collect();
        let mut got = Vec::new();
        for task in tasks {
            got.push(task.await.expect("a spawned task panicked"));
        }
        (calls.load(Ordering::SeqCst), got)
    });
    assert_eq!(
        calls, 1,
        "{TASKS} tasks asked for \"home\" at the same time, on an empty cache, and it was \
         fetched {calls} times. Each page is fetched once: a task that looks while another \
         is fetching must wait for that fetch. Checking the cache under a lock, letting the \
         lock go, fetching, then inserting leaves a window in which every task misses. \
         The check, the fetch and the insert must be one critical section, held across \
         the fetch's `.await`: that is what `tokio::sync::Mutex` is for (or one \
         `tokio::sync::OnceCell` per page)"
    );
    for (t, (page, at)) in got.iter().enumerate() {
        assert_eq!(
            (page.as_str(), *at),
            ("home #1", 100),
            "task {t} of {TASKS} asked for \"home\" at 0 ms, while the one fetch (100 ms) \
             ran: it gets that fetch's page (\"home #1\") as soon as it is done (got the \
             page, and when, in ms)"
        );
    }
}

#[test]
fn a_cached_page_is_returned_at_once_without_fetching() {
    support::paused(PAUSED_HANG, || async {
        let cache = PageCache::new();
        let calls = Arc::new(AtomicUsize::new(0));
        let start = Instant::now();
        let first = cache
            .get_or_fetch("home", counting_fetch(&calls, "home", true))
            .await;
        assert_eq!(
            (first.as_str(), since(start)),
            ("home #1", 100),
            "on an empty cache, `get_or_fetch(\"home\", fetch)` fetches (100 ms) and \
             returns the page (got the page, and when)"
        );
        let other = cache
            .get_or_fetch("about", counting_fetch(&calls, "about", true))
            .await;
        assert_eq!(
            other, "about #2",
            "\"about\" was not cached yet: it is fetched too, and each page keeps its own \
             copy"
        );
        advance(ms(50)).await;
        let at = since(start);
        let again = within(
            1_000,
            cache.get_or_fetch("home", counting_fetch(&calls, "home", true)),
        )
        .await;
        assert_eq!(
            (again.as_deref(), since(start), calls.load(Ordering::SeqCst)),
            (Some("home #1"), at, 2),
            "\"home\" is cached: asked again at {at} ms, `get_or_fetch` returns the cached \
             copy at once without calling `fetch` (got the page, when, and how many fetches \
             in all: 2 expected, one per page)"
        );
    });
}

#[test]
fn fetches_each_page_once_under_real_concurrency() {
    const TASKS: usize = 16;
    const PAGES: usize = 8;
    let (calls, got) = support::multi_thread(THREADS_HANG, WORKERS, || async {
        let cache = PageCache::new();
        let calls: Vec<Arc<AtomicUsize>> = (0..PAGES).map(|_| Arc::default()).collect();
        let tasks: Vec<_> = (0..TASKS)
            .map(|t| {
                let cache = cache.clone();
                let calls = calls.clone();
                tokio::spawn(async move {
                    // Every task asks for every page, each task in its own order.
                    let mut got = HashMap::new();
                    for k in 0..PAGES {
                        let p = (k + t) % PAGES;
                        let page = format!("page{p}");
                        let fetch = counting_fetch(&calls[p], &page, false);
                        got.insert(page.clone(), cache.get_or_fetch(&page, fetch).await);
                    }
                    got
                })
            })
            .collect();
        let mut got = Vec::new();
        for task in tasks {
            got.push(task.await.expect("a spawned task panicked"));
        }
        let calls: Vec<usize> = calls.iter().map(|c| c.load(Ordering::SeqCst)).collect();
        (calls, got)
    });
    assert_eq!(
        calls,
        vec![1; PAGES],
        "{TASKS} tasks on {WORKERS} threads each asked for {PAGES} pages; how many times \
         each page was fetched (got): once each. A page fetched more than once: the check \
         and the fetch were not one critical section"
    );
    for (t, got) in got.iter().enumerate() {
        for p in 0..PAGES {
            let page = format!("page{p}");
            assert_eq!(
                got.get(&page).map(String::as_str),
                Some(format!("{page} #1").as_str()),
                "task {t} asked for \"{page}\": it gets that page's one fetch, \
                 \"{page} #1\", whichever task fetched it"
            );
        }
    }
}

#[test]
fn a_fetch_dropped_halfway_caches_nothing_and_blocks_nobody() {
    support::paused(PAUSED_HANG, || async {
        let cache = PageCache::new();
        let calls = Arc::new(AtomicUsize::new(0));
        let start = Instant::now();
        let mut first =
            task::spawn(cache.get_or_fetch("home", counting_fetch(&calls, "home", true)));
        assert!(first.poll().is_pending(), "at 0 ms: fetching");
        advance(ms(50)).await;
        // Its caller gives up (a timeout, a `select!`): the future is dropped.
        drop(first);
        let next = within(
            1_000,
            cache.get_or_fetch("home", counting_fetch(&calls, "home", true)),
        )
        .await;
        assert_eq!(
            (next.as_deref(), since(start)),
            (Some("home #2"), 150),
            "a fetch of \"home\" started at 0 ms and was dropped at 50 ms (its caller was \
             cancelled); then another task asked for \"home\": it must fetch it itself \
             (100 ms) and get its own page, \"home #2\", at 150 ms (got the page, None if it \
             never came, and when). A cancelled fetch must leave nothing behind: no lock \
             still held, no \"being fetched\" mark that nobody will clear. A lock guard \
             dropped with the future releases the lock"
        );
    });
}
