//! `catch_throttle`: the code is given, and you write the tests, on tokio's
//! paused clock.
//!
//! The subject is `subjects::throttle::Throttle` (read it:
//! `subjects/src/reference/throttle.rs`). It promises: with upstream items
//! available at instants a₀, a₁, …, items go out at e₀ = a₀ and
//! eₖ = max(eₖ₋₁ + delay, aₖ): the first item is not delayed, a slow upstream
//! adds no extra wait; no item is lost; when the upstream ends, it ends;
//! while it waits, it neither wakes itself (a busy loop) nor loses the
//! wake-up its timer owes it.
//!
//! The reference is correct; six hidden versions of it are not. Your tests
//! must all pass against the reference and catch every bug, and none may
//! hang: the suite runs them against each version and tells you how many
//! bugs they caught, and what the ones they missed do wrong.
//!
//! Replace each `todo!()` with a test of the behaviour its comment names;
//! add more if you like. The tools: `#[tokio::test(start_paused = true)]`
//! (time moves only when every task waits, or when you call
//! `tokio::time::advance`), `tokio_test::task::spawn` (a mock task:
//! `poll_next`, `is_woken`), `tokio_test::assert_pending!` /
//! `assert_ready_eq!`. An upstream you feed by hand:
//! `futures::channel::mpsc::unbounded()` (its receiver is a stream); one
//! with every item ready: `futures::stream::iter(0..5)`.

use std::time::Duration;

use futures::channel::mpsc;
use futures::stream;
use subjects::throttle::Throttle;
use tokio::time;
use tokio_test::task::{self, Spawn};
use tokio_test::{assert_pending, assert_ready_eq};

const DELAY: Duration = Duration::from_millis(100);

/// Nothing before the first item: it goes out on the first poll.
#[tokio::test(start_paused = true)]
async fn first_item_is_not_delayed() {
    todo!("throttle `stream::iter(0..3)`, poll it once by hand, assert it is Ready(Some(0))")
}

/// After an item, the next one waits exactly the delay: not 1 ms less.
#[tokio::test(start_paused = true)]
async fn the_next_item_waits_exactly_the_delay() {
    todo!("after the first item, `time::advance` to just before the delay, then to it")
}

/// While it waits, it does not wake itself (a busy loop), and the timer
/// wakes it when the delay is over (no lost wake-up).
#[tokio::test(start_paused = true)]
async fn waiting_neither_spins_nor_loses_the_wake_up() {
    todo!("check `is_woken()` right after a Pending, and again after advancing by the delay")
}

/// An item that arrives after the delay is over goes out as soon as it
/// arrives: a slow upstream adds no wait of its own.
#[tokio::test(start_paused = true)]
async fn a_slow_upstream_adds_no_extra_wait() {
    todo!("feed the upstream by hand: one item, a long pause, then one more")
}

/// Every item comes out, in order, then the end (`None`).
#[tokio::test(start_paused = true)]
async fn every_item_comes_out_in_order_then_the_end() {
    todo!("collect until None, advancing time while Pending, with a bound on the loop")
}
