//! The Channels chapter, part 3: two details of tokio's `mpsc` that the
//! simple picture leaves out. A `Permit` granted before `close()` can still
//! send, and the end waits for it; and inside a tokio task, `poll_recv` can
//! return `Pending` while items are waiting (the cooperative budget), having
//! arranged for the task to be woken.
//!
//! The first part is polled by hand with a mock task, with no runtime; the
//! second needs one, because the budget exists only inside a runtime's task.

use std::future::poll_fn;
use std::task::{Context, Poll, Waker};

use tokio::sync::mpsc::{self, UnboundedReceiver, error::TryRecvError, error::TrySendError};

// ANCHOR: close_permit
fn close_lets_granted_permits_send() {
    let (tx, mut rx) = mpsc::channel::<&str>(4);
    tx.try_send("buffered").unwrap();
    // A slot reserved before the close: nothing is sent through it yet.
    let permit = tx.try_reserve().unwrap();

    rx.close();
    // New sends are refused...
    assert_eq!(tx.try_send("late"), Err(TrySendError::Closed("late")));
    // ...but the permit was granted before the close, and it still sends.
    permit.send("reserved");
    assert_eq!(rx.try_recv(), Ok("buffered"));
    assert_eq!(rx.try_recv(), Ok("reserved"));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));
}

fn the_end_waits_for_outstanding_permits() {
    let (tx, mut rx) = mpsc::channel::<&str>(4);
    let permit = tx.try_reserve().unwrap();
    rx.close();

    // Closed and empty, but a permit is out: not the end yet.
    let mut recv = tokio_test::task::spawn(rx.recv());
    assert!(recv.poll().is_pending());

    // Giving the slot back unused releases the receiver: now it ends.
    drop(permit);
    assert!(recv.is_woken());
    assert_eq!(recv.poll(), Poll::Ready(None));
}
// ANCHOR_END: close_permit

// ANCHOR: budget
/// Receives in a loop until `poll_recv` says `Pending`, and returns how
/// many items that took.
fn receive_ready(rx: &mut UnboundedReceiver<u32>, cx: &mut Context<'_>) -> usize {
    let mut received = 0;
    while let Poll::Ready(Some(_)) = rx.poll_recv(cx) {
        received += 1;
    }
    received
}

async fn the_budget_of_a_tokio_task() {
    let (tx, mut rx) = mpsc::unbounded_channel();
    for n in 0..200 {
        tx.send(n).unwrap();
    }

    let task = tokio::spawn(async move {
        let mut polls = Vec::new();
        poll_fn(|cx| {
            polls.push((receive_ready(&mut rx, cx), rx.len()));
            // Pass every `Pending` on; stop once the channel is empty.
            if rx.is_empty() {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
        .await;
        polls
    });

    // First poll: 128 items, then `Pending` with 72 still waiting. tokio
    // had arranged for the task to be woken, so it was polled again, with
    // a fresh budget, and took the rest.
    assert_eq!(task.await.unwrap(), [(128, 72), (72, 0)]);
}

fn no_budget_outside_a_runtime() {
    let (tx, mut rx) = mpsc::unbounded_channel();
    for n in 0..200 {
        tx.send(n).unwrap();
    }
    // Polled by hand, outside any runtime: nothing limits the loop.
    let mut cx = Context::from_waker(Waker::noop());
    assert_eq!(receive_ready(&mut rx, &mut cx), 200);
}
// ANCHOR_END: budget

fn main() {
    close_lets_granted_permits_send();
    the_end_waits_for_outstanding_permits();
    no_budget_outside_a_runtime();
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(the_budget_of_a_tokio_task());
}
