//! Hidden suite for `pipeline`: a data pipeline from stream combinators.
//!
//! Contract: `pipeline(ids, fetch, concurrency).await` fetches every id with
//! `fetch`, never more than `concurrency` at once, and returns a `Summary`:
//! how many fetches succeeded, the sum of their values, and the ids whose
//! fetch failed, in increasing order. It starts a new fetch as soon as a
//! running one finishes (a free slot is refilled at once, whichever fetch
//! freed it), pulls an id from the source only when a slot is free (at most
//! one id ahead), and matches every result to its own id, whatever order the
//! fetches finish in. `concurrency == 0` panics with a message containing
//! "must be at least 1".
//!
//! The fetches sleep on tokio's paused clock: every duration below is exact
//! virtual time, and a meter counts how many fetches run at once.

// The code under test, compiled into this suite: your `exercises/src/pipeline.rs`,
// or the reference solution with `cargo test --features solutions`.
#[cfg_attr(not(feature = "solutions"), path = "../exercises/src/pipeline.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/src/pipeline.rs")]
mod pipeline;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures::{StreamExt, stream};
use pipeline::{Summary, pipeline};
use support::trace;
use tokio::time::{Instant, sleep};

const NEVER_FINISHED: &str = "the pipeline never finished";

/// One run of the pipeline over ids `0..count`, where fetching `id` takes
/// `delay(id)` ms, fails if `fails(id)`, and otherwise returns `id * 10`.
struct Run {
    summary: Summary,
    /// Virtual ms from the start to the end of the pipeline.
    took: u64,
    /// The most fetches that ran at once.
    peak: usize,
    /// How many ids had been pulled from the source when the first fetch
    /// started, and in all.
    pulled_at_first_fetch: usize,
    pulled: usize,
}

fn run(count: u32, concurrency: usize, delay: fn(u32) -> u64, fails: fn(u32) -> bool) -> Run {
    support::paused(NEVER_FINISHED, move || async move {
        let running = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let pulled = Arc::new(AtomicUsize::new(0));
        let pulled_at_first_fetch = Arc::new(AtomicUsize::new(usize::MAX));
        let source = stream::iter(0..count).inspect({
            let pulled = Arc::clone(&pulled);
            move |_| {
                pulled.fetch_add(1, Ordering::SeqCst);
            }
        });
        let fetch = {
            let (running, peak) = (Arc::clone(&running), Arc::clone(&peak));
            let (pulled, first) = (Arc::clone(&pulled), Arc::clone(&pulled_at_first_fetch));
            move |id: u32| {
                let (running, peak) = (Arc::clone(&running), Arc::clone(&peak));
                let (pulled, first) = (Arc::clone(&pulled), Arc::clone(&first));
                async move {
                    let _ = first.compare_exchange(
                        usize::MAX,
                        pulled.load(Ordering::SeqCst),
                        Ordering::SeqCst,
                        Ordering::SeqCst,
                    );
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    sleep(Duration::from_millis(delay(id))).await;
                    running.fetch_sub(1, Ordering::SeqCst);
                    if fails(id) {
                        Err(format!("fetch {id} failed"))
                    } else {
                        Ok(u64::from(id) * 10)
                    }
                }
            }
        };
        let start = Instant::now();
        let summary = trace(pipeline(source, fetch, concurrency)).await;
        Run {
            summary,
            took: (Instant::now() - start).as_millis() as u64,
            peak: peak.load(Ordering::SeqCst),
            pulled_at_first_fetch: pulled_at_first_fetch.load(Ordering::SeqCst),
            pulled: pulled.load(Ordering::SeqCst),
        }
    })
}

#[test]
fn sums_what_was_fetched_and_lists_the_ids_that_failed() {
    let run = run(10, 3, |_| 10, |id| id % 4 == 3);
    assert_eq!(
        run.summary,
        Summary {
            fetched: 8,
            total: (0..10u64).filter(|id| id % 4 != 3).map(|id| id * 10).sum(),
            failed: vec![3, 7],
        },
        "ids 0..10, where 3 and 7 fail and every other id gives id * 10: the summary \
         counts the 8 successes, adds up their values, and lists the failed ids in \
         increasing order (a failure is counted, not added, and does not stop the others)"
    );
}

#[test]
fn never_runs_more_than_concurrency_fetches_at_once() {
    let run = run(12, 3, |_| 100, |_| false);
    assert!(
        run.peak <= 3,
        "with concurrency 3, {} fetches ran at once. Unbounded concurrency: \
         `buffer_unordered(usize::MAX)`, `join_all` over every fetch, or spawning each one, \
         starts them all together; a real service would be flooded. Use \
         `buffer_unordered(concurrency)`.",
        run.peak
    );
}

#[test]
fn ten_100ms_fetches_at_concurrency_3_take_400ms() {
    let run = run(10, 3, |_| 100, |_| false);
    assert_eq!(run.summary.fetched, 10, "every fetch succeeds");
    assert_eq!(
        (run.took, run.peak),
        (400, 3),
        "ten fetches of 100 ms, three at a time, take 400 ms of virtual time with three \
         running at once (100 + 100 + 100 + 100: the last round has one). {} ms with {} at \
         once means {}",
        run.took,
        run.peak,
        if run.peak == 1 {
            "they ran one after another: `then` awaits each fetch before it starts the next; \
             concurrency needs `buffer_unordered`"
        } else if run.peak > 3 {
            "more ran at once than allowed"
        } else {
            "the slots were not kept busy"
        }
    );
}

#[test]
fn a_slow_fetch_does_not_hold_back_the_others() {
    // Fetch 0 takes 500 ms, the five others 100 ms each, two at a time: one
    // slot is busy with fetch 0 while the other does the five others, one
    // after another, so everything is done at 500 ms.
    let run = run(6, 2, |id| if id == 0 { 500 } else { 100 }, |_| false);
    assert_eq!(run.summary.fetched, 6, "every fetch succeeds");
    assert_eq!(
        run.took, 500,
        "while fetch 0 takes 500 ms, the other slot could run fetches 1 to 5 (100 ms each) \
         one after another: 500 ms in all, but it took {} ms. `buffered` keeps results in \
         order, so a slot whose fetch finished early is not refilled until the slow one ahead \
         of it is done (head-of-line blocking). The summary does not need the order: \
         `buffer_unordered` refills a slot as soon as any fetch finishes.",
        run.took
    );
}

#[test]
fn failures_are_matched_to_their_own_ids_whatever_order_fetches_finish_in() {
    // Later ids finish first: id 0 takes 60 ms, id 5 takes 10 ms.
    let run = run(6, 6, |id| 60 - 10 * u64::from(id), |id| id == 1 || id == 2);
    assert_eq!(
        run.summary.failed,
        [1, 2],
        "ids 1 and 2 failed, but the summary names {:?}. With `buffer_unordered` results \
         come back in the order fetches finish (here 5, 4, 3, 2, 1, 0), not in the order of \
         the ids: carry each id along with its fetch (`fetch(id).map(move |r| (id, r))`) \
         instead of counting results as they arrive.",
        run.summary.failed
    );
    assert_eq!(run.summary.fetched, 4);
    assert_eq!(
        run.summary.total,
        (0..6u64)
            .filter(|id| *id != 1 && *id != 2)
            .map(|id| id * 10)
            .sum::<u64>()
    );
}

#[test]
fn pulls_ids_from_the_source_only_as_slots_free_up() {
    let run = run(1000, 4, |_| 1, |_| false);
    assert!(
        run.pulled_at_first_fetch <= 5,
        "when the first fetch started, {} ids had been pulled from the source already, with \
         4 fetch slots. Collecting the source first (into a Vec) reads all of it before any \
         work starts: a big or endless source never gets going. Let `buffer_unordered` pull \
         the next id when a slot is free.",
        run.pulled_at_first_fetch
    );
    assert_eq!(run.pulled, 1000, "in the end every id is pulled");
    assert_eq!(run.summary.fetched, 1000, "and fetched");
}

#[test]
fn an_empty_source_gives_an_empty_summary() {
    let run = run(0, 3, |_| 10, |_| false);
    assert_eq!(
        (run.summary, run.took),
        (Summary::default(), 0),
        "no ids: nothing fetched, nothing failed, at once"
    );
}

#[test]
fn concurrency_of_zero_panics_with_a_message() {
    let outcome = std::panic::catch_unwind(|| {
        support::paused(
            "pipeline with concurrency 0 never finished: `buffer_unordered(0)` never starts a \
             fetch, and nothing will ever wake it. Check `concurrency` first, and panic when \
             it is 0 (the message must say what it has to be)",
            || async { pipeline(stream::iter([1u32, 2]), |_| async { Ok::<u64, ()>(1) }, 0).await },
        )
    });
    let payload = outcome.expect_err("a pipeline with concurrency 0 must panic");
    let payload = support::unless_todo(payload);
    let message = support::panic_message(payload.as_ref());
    assert!(
        message.contains("must be at least 1"),
        "concurrency 0 must panic with a message that says it must be at least 1, got: \
         {message:?}"
    );
}
