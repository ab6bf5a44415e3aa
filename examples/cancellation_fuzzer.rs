//! The "Cancellation and select!" chapter: a future is cancelled by being
//! dropped, between two polls, and the suites' cancellation fuzzer
//! (`support::drop_after_each_poll`) drops it at every such point and checks
//! what is left. Here it catches a mover that loses an item when dropped
//! mid-way, and passes one that does not.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use std::time::Duration;

use support::{Dropped, drop_after_each_poll};
use tokio::time::sleep;

/// Items waiting, and items delivered.
type Queues = Rc<RefCell<(VecDeque<u32>, Vec<u32>)>>;

// ANCHOR: unsafe_mover
/// Moves the items from the input to the output, one every 10 ms.
async fn mover_that_loses(queues: Queues) {
    loop {
        let Some(item) = queues.borrow_mut().0.pop_front() else {
            return;
        };
        // Dropped while it sleeps here, the future takes `item` with it:
        // out of the input, never in the output.
        sleep(Duration::from_millis(10)).await;
        queues.borrow_mut().1.push(item);
    }
}
// ANCHOR_END: unsafe_mover

// ANCHOR: safe_mover
/// The same, cancel-safe: every `.await` comes before anything is taken, and
/// taking and delivering happen together, with no `.await` between them.
async fn mover_that_keeps(queues: Queues) {
    while !queues.borrow().0.is_empty() {
        sleep(Duration::from_millis(10)).await;
        let mut queues = queues.borrow_mut();
        if let Some(item) = queues.0.pop_front() {
            queues.1.push(item);
        }
    }
}
// ANCHOR_END: safe_mover

fn three_items() -> Queues {
    Rc::new(RefCell::new(((1..=3).collect(), Vec::new())))
}

// ANCHOR: invariant
/// After every drop: each of the three items is either still waiting or
/// delivered, never gone.
fn nothing_lost(queues: &Queues, how: Dropped) {
    let (waiting, delivered) = &*queues.borrow();
    assert_eq!(
        waiting.len() + delivered.len(),
        3,
        "an item was lost when the mover was dropped ({how:?}): waiting {waiting:?}, \
         delivered {delivered:?}"
    );
}
// ANCHOR_END: invariant

fn main() {
    // ANCHOR: fuzz
    // Dropped after 0, 1, 2, … polls, until a run completes: every run keeps
    // all three items.
    drop_after_each_poll(
        "the cancel-safe mover",
        10,
        || {
            let queues = three_items();
            (Rc::clone(&queues), mover_that_keeps(queues))
        },
        nothing_lost,
    );
    // ANCHOR_END: fuzz

    // ANCHOR: caught
    // The other one loses an item in the run that drops it after one poll:
    // that poll took item 1 and started the sleep.
    let quiet = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let caught = std::panic::catch_unwind(|| {
        drop_after_each_poll(
            "the mover that loses",
            10,
            || {
                let queues = three_items();
                (Rc::clone(&queues), mover_that_loses(queues))
            },
            nothing_lost,
        )
    });
    std::panic::set_hook(quiet);
    let payload = caught.expect_err("the fuzzer catches the lost item");
    let message = support::panic_message(payload.as_ref());
    assert!(
        message.contains("an item was lost when the mover was dropped (AfterPolls(1))"),
        "{message}"
    );
    // ANCHOR_END: caught

    println!("cancellation_fuzzer: every claim holds");
}
