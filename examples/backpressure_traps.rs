//! The Backpressure chapter, part 2: a hand-written future that forwards a
//! stream into a bounded channel. Two wrong ways to wait for room inside
//! `poll` (the lost wake-up and the busy loop), each shown with the symptom
//! a test can see, and the right way: `PollSender::poll_reserve`.
//!
//! A tokio mpsc channel needs no runtime, so everything here is polled by
//! hand: nothing can hang, and no clock is involved.

use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures::stream::{self, Stream, StreamExt};
use futures_test::task::new_count_waker;
use tokio::sync::mpsc::{self, error::TrySendError};
use tokio_util::sync::PollSender;

// ANCHOR: lost
/// BUG: on `Full`, keeps the item and returns `Pending`, and nobody will
/// ever wake the task.
struct LostForward<S: Stream> {
    source: S,
    sink: mpsc::Sender<S::Item>,
    held: Option<S::Item>,
}

impl<S: Stream + Unpin> Future for LostForward<S>
where
    S::Item: Unpin,
{
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        loop {
            let item = match this.held.take() {
                Some(item) => item,
                None => match ready!(this.source.poll_next_unpin(cx)) {
                    Some(item) => item,
                    None => return Poll::Ready(()),
                },
            };
            match this.sink.try_send(item) {
                Ok(()) => {}
                Err(TrySendError::Full(item)) => {
                    this.held = Some(item);
                    // `try_send` stored no waker: the channel does not know
                    // that anyone is waiting for room.
                    return Poll::Pending;
                }
                Err(TrySendError::Closed(_)) => return Poll::Ready(()),
            }
        }
    }
}
// ANCHOR_END: lost

// ANCHOR: busy
/// BUG: the same, "fixed" by asking to be polled again at once.
struct BusyForward<S: Stream> {
    source: S,
    sink: mpsc::Sender<S::Item>,
    held: Option<S::Item>,
}

impl<S: Stream + Unpin> Future for BusyForward<S>
where
    S::Item: Unpin,
{
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        loop {
            let item = match this.held.take() {
                Some(item) => item,
                None => match ready!(this.source.poll_next_unpin(cx)) {
                    Some(item) => item,
                    None => return Poll::Ready(()),
                },
            };
            match this.sink.try_send(item) {
                Ok(()) => {}
                Err(TrySendError::Full(item)) => {
                    this.held = Some(item);
                    // "Poll me again right away": until the consumer makes
                    // room, the task does nothing but ask.
                    cx.waker().wake_by_ref();
                    return Poll::Pending;
                }
                Err(TrySendError::Closed(_)) => return Poll::Ready(()),
            }
        }
    }
}
// ANCHOR_END: busy

// ANCHOR: forward
/// Sends every item of `source` into a bounded channel, waiting for room
/// the right way. Completes with the number of items sent, when the source
/// ends or the receiver goes away.
struct Forward<S: Stream> {
    source: S,
    sink: PollSender<S::Item>,
    sent: usize,
}

impl<S: Stream> Forward<S>
where
    S::Item: Send,
{
    fn new(source: S, sink: mpsc::Sender<S::Item>) -> Self {
        let sink = PollSender::new(sink);
        Self {
            source,
            sink,
            sent: 0,
        }
    }
}

impl<S: Stream + Unpin> Future for Forward<S>
where
    S::Item: Send,
{
    type Output = usize;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<usize> {
        let this = self.get_mut();
        loop {
            // First a slot. `Pending` here has registered this task's waker
            // with the channel: taking an item out will wake us.
            if ready!(this.sink.poll_reserve(cx)).is_err() {
                return Poll::Ready(this.sent); // the receiver is gone
            }
            // Then an item to put in it.
            match ready!(this.source.poll_next_unpin(cx)) {
                Some(item) => {
                    // A slot is reserved: this cannot find the channel full.
                    if this.sink.send_item(item).is_err() {
                        return Poll::Ready(this.sent);
                    }
                    this.sent += 1;
                }
                None => {
                    // No item for the slot: give it back, and let go of the
                    // sender, so that the receiver sees the end now.
                    this.sink.abort_send();
                    this.sink.close();
                    return Poll::Ready(this.sent);
                }
            }
        }
    }
}
// ANCHOR_END: forward

// ANCHOR: lost_demo
fn the_lost_wake_up() {
    let (tx, mut rx) = mpsc::channel(2);
    let lost = LostForward {
        source: stream::iter(0..5),
        sink: tx,
        held: None,
    };
    let mut task = tokio_test::task::spawn(lost);

    // Items 0 and 1 fill the buffer; item 2 is held. `Pending`.
    assert!(task.poll().is_pending());
    assert_eq!(rx.try_recv(), Ok(0)); // the consumer makes room...
    assert!(!task.is_woken(), "lost wake-up: nothing will poll it again");
    // ...but on an executor, nothing would ever poll `task` again: the
    // consumer waits for item 2, the forwarder waits for a poll. A hang.
}
// ANCHOR_END: lost_demo

// ANCHOR: busy_demo
/// Polls `future` the way an executor would: again each time it has been
/// woken, and otherwise not. Gives up after `cap` polls. Returns the number
/// of polls and whether it finished.
fn drive(future: impl Future + Unpin, cap: u32) -> (u32, bool) {
    let mut future = future;
    let (waker, wakes) = new_count_waker();
    let mut cx = Context::from_waker(&waker);
    for polls in 1..=cap {
        if Pin::new(&mut future).poll(&mut cx).is_ready() {
            return (polls, true);
        }
        if wakes.get() < polls as usize {
            return (polls, false); // not woken: an executor would sleep now
        }
    }
    (cap, false)
}

fn the_busy_loop() {
    // The buffer is full and nobody is receiving.
    let (tx, _rx) = mpsc::channel(2);
    let busy = BusyForward {
        source: stream::iter(0..5),
        sink: tx,
        held: None,
    };
    // It never stops asking, although nothing can change: stopped at the cap.
    assert_eq!(drive(busy, 10_000), (10_000, false));

    // The correct forwarder, in the same situation: one poll, then it sleeps.
    let (tx, _rx) = mpsc::channel(2);
    assert_eq!(
        drive(Forward::new(stream::iter(0..5), tx), 10_000),
        (1, false)
    );
}
// ANCHOR_END: busy_demo

// ANCHOR: forward_demo
fn forward_waits_for_room() {
    let (tx, mut rx) = mpsc::channel(2);
    let mut task = tokio_test::task::spawn(Forward::new(stream::iter(0..5), tx));

    assert!(task.poll().is_pending());
    assert!(!task.is_woken(), "no busy loop: not woken while still full");
    assert_eq!(rx.try_recv(), Ok(0));
    assert!(task.is_woken(), "room in the buffer wakes the forwarder");

    assert!(task.poll().is_pending()); // sent item 2, then full again
    assert_eq!(rx.try_recv(), Ok(1));
    assert_eq!(rx.try_recv(), Ok(2));
    assert!(task.is_woken());
    assert!(task.poll().is_pending()); // sent items 3 and 4, waits for a slot

    assert_eq!(rx.try_recv(), Ok(3));
    // The source has ended: the slot is given back and the sender dropped.
    assert_eq!(task.poll(), Poll::Ready(5));
    assert_eq!(rx.try_recv(), Ok(4));
    assert!(rx.is_closed(), "the receiver sees the end at once");
    drop(task);

    // A receiver that goes away ends the forwarding, not the program.
    let (tx, rx) = mpsc::channel(1);
    let mut task = tokio_test::task::spawn(Forward::new(stream::iter(0..5), tx));
    assert!(task.poll().is_pending());
    drop(rx);
    assert!(task.is_woken());
    assert_eq!(task.poll(), Poll::Ready(1));
}
// ANCHOR_END: forward_demo

fn main() {
    the_lost_wake_up();
    the_busy_loop();
    forward_waits_for_room();
}
