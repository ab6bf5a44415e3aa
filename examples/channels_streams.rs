//! The Channels chapter, part 2: a receiver is a stream. `poll_recv`, the
//! wrappers of `tokio_stream`, and `async_stream::stream!` (with a small
//! hand-made version of what it expands to).

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use futures::executor::block_on;
use futures::stream::{Stream, StreamExt};
use futures_test::task::new_count_waker;
use tokio::sync::{broadcast, mpsc, watch};
use tokio_stream::wrappers::{BroadcastStream, ReceiverStream, WatchStream};

// ANCHOR: poll_recv
fn poll_recv_registers_the_waker() {
    let (tx, mut rx) = mpsc::channel::<&str>(4);
    let (waker, wakes) = new_count_waker();
    let mut cx = Context::from_waker(&waker);

    // Empty but open: `Pending`, and the channel now holds our waker.
    assert_eq!(rx.poll_recv(&mut cx), Poll::Pending);
    assert_eq!(wakes.get(), 0);

    tx.try_send("ping").unwrap();
    assert_eq!(wakes.get(), 1, "a send wakes the receiver that was waiting");
    assert_eq!(rx.poll_recv(&mut cx), Poll::Ready(Some("ping")));

    assert_eq!(rx.poll_recv(&mut cx), Poll::Pending);
    drop(tx);
    assert_eq!(wakes.get(), 2, "so does the last sender's drop");
    assert_eq!(rx.poll_recv(&mut cx), Poll::Ready(None));
}
// ANCHOR_END: poll_recv

// ANCHOR: prioritized
/// Receives the next item from `urgent` if it has one, else from `normal`.
/// `None` once both channels have ended.
async fn recv_prioritized<T>(
    urgent: &mut mpsc::Receiver<T>,
    normal: &mut mpsc::Receiver<T>,
) -> Option<T> {
    tokio::select! {
        // Try the branches in order, not at random: urgent first.
        biased;
        // A branch whose pattern does not match (`None`: that channel has
        // ended) is disabled, and `select!` goes on waiting for the others.
        Some(item) = urgent.recv() => Some(item),
        Some(item) = normal.recv() => Some(item),
        // Every branch is disabled: both channels have ended.
        else => None,
    }
}

fn prioritized() {
    let (urgent_tx, mut urgent) = mpsc::channel(8);
    let (normal_tx, mut normal) = mpsc::channel(8);
    normal_tx.try_send("normal 1").unwrap();
    normal_tx.try_send("normal 2").unwrap();
    urgent_tx.try_send("urgent").unwrap();

    // Both have items: the urgent one goes first.
    let first = block_on(recv_prioritized(&mut urgent, &mut normal));
    assert_eq!(first, Some("urgent"));

    // Nothing urgent left: a normal item comes through.
    let second = block_on(recv_prioritized(&mut urgent, &mut normal));
    assert_eq!(second, Some("normal 1"));

    // One channel ending does not end the whole thing...
    drop(urgent_tx);
    let third = block_on(recv_prioritized(&mut urgent, &mut normal));
    assert_eq!(third, Some("normal 2"));

    // ...while it waits, a send on the other channel wakes it...
    let mut next = tokio_test::task::spawn(recv_prioritized(&mut urgent, &mut normal));
    assert!(next.poll().is_pending());
    normal_tx.try_send("normal 3").unwrap();
    assert!(next.is_woken());
    assert_eq!(next.poll(), Poll::Ready(Some("normal 3")));
    drop(next);

    // ...and once both have ended, so has it.
    drop(normal_tx);
    assert_eq!(block_on(recv_prioritized(&mut urgent, &mut normal)), None);
}
// ANCHOR_END: prioritized

// ANCHOR: wrappers
fn wrappers() {
    block_on(async {
        // mpsc: every item, then the end when every sender is gone.
        let (tx, rx) = mpsc::channel(8);
        for word in ["three", "short", "words"] {
            tx.try_send(word).unwrap();
        }
        drop(tx);
        let lengths: Vec<usize> = ReceiverStream::new(rx).map(str::len).collect().await;
        assert_eq!(lengths, [5, 5, 5]);

        // broadcast: a lag becomes an `Err` item in the stream.
        let (tx, rx) = broadcast::channel(2);
        let mut events = BroadcastStream::new(rx);
        for n in 1..=3 {
            tx.send(n).unwrap();
        }
        drop(tx);
        assert!(events.next().await.unwrap().is_err()); // lagged by one
        let rest: Vec<u32> = events.map(Result::unwrap).collect().await;
        assert_eq!(rest, [2, 3]);

        // watch: the current value first, then each *latest* value.
        let (tx, rx) = watch::channel(0);
        let mut states = WatchStream::new(rx);
        assert_eq!(states.next().await, Some(0));
        tx.send(1).unwrap();
        tx.send(2).unwrap();
        assert_eq!(states.next().await, Some(2)); // 1 was replaced unseen
        drop(tx);
        assert_eq!(states.next().await, None);
    });
}
// ANCHOR_END: wrappers

// ANCHOR: running_totals
/// The running total of the numbers received on `rx`: one item per number.
fn running_totals(mut rx: mpsc::Receiver<u32>) -> impl Stream<Item = u32> {
    async_stream::stream! {
        let mut total = 0;
        while let Some(n) = rx.recv().await {
            total += n;
            yield total;
        }
        // Falling off the end of the block ends the stream.
    }
}

fn stream_macro() {
    let (tx, rx) = mpsc::channel(8);
    // A mock task polls it by hand (and pins it, which `stream!` streams need).
    let mut totals = tokio_test::task::spawn(running_totals(rx));

    assert!(totals.poll_next().is_pending()); // waiting inside `recv()`
    tx.try_send(5).unwrap();
    assert!(totals.is_woken()); // the channel woke the task, as usual
    assert_eq!(totals.poll_next(), Poll::Ready(Some(5)));

    tx.try_send(10).unwrap();
    tx.try_send(20).unwrap();
    assert_eq!(totals.poll_next(), Poll::Ready(Some(15)));
    assert_eq!(totals.poll_next(), Poll::Ready(Some(35)));

    drop(tx);
    assert_eq!(totals.poll_next(), Poll::Ready(None));
}
// ANCHOR_END: running_totals

// ANCHOR: lazy
fn stream_body_is_lazy() {
    let started = Cell::new(false);
    let flag = &started; // the body is an `async move` block: move a reference
    let numbers = async_stream::stream! {
        flag.set(true);
        yield 1;
        yield 2;
    };
    // Like an `async` block, the body has not run: building is not polling.
    assert!(!started.get());

    // The stream is `!Unpin` (it holds an `async` block): pin it before
    // calling `next()`.
    let mut numbers = std::pin::pin!(numbers);
    assert_eq!(block_on(numbers.next()), Some(1));
    assert!(started.get());
    assert_eq!(block_on(numbers.next()), Some(2));
    assert_eq!(block_on(numbers.next()), None);
}
// ANCHOR_END: lazy

// ANCHOR: handmade
/// What the body's `yield` writes into, and the stream reads from.
type Slot<T> = Rc<RefCell<Option<T>>>;

/// Handed to the body: `yielder.item(value).await` plays the part of `yield value`.
struct Yielder<T> {
    slot: Slot<T>,
}

impl<T> Yielder<T> {
    fn item(&self, value: T) -> YieldOnce {
        *self.slot.borrow_mut() = Some(value);
        YieldOnce { yielded: false }
    }
}

/// `Pending` once, so that the body stops right after putting an item in the
/// slot; `Ready` when the stream is polled for the item after that one.
struct YieldOnce {
    yielded: bool,
}

impl Future for YieldOnce {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        // No waker is stored, and none is needed: this `Pending` never
        // reaches the executor. `SlotStream` sees the item in the slot and
        // returns `Ready(Some(item))` instead.
        Poll::Pending
    }
}

/// The `Stream` around the body: each `poll_next` runs the body until it
/// fills the slot (an item), finishes (the end), or waits on something else.
struct SlotStream<T, B> {
    slot: Slot<T>,
    body: Pin<Box<B>>,
    done: bool,
}

fn slot_stream<T, B: Future<Output = ()>>(
    make_body: impl FnOnce(Yielder<T>) -> B,
) -> SlotStream<T, B> {
    let slot = Rc::new(RefCell::new(None));
    let body = make_body(Yielder {
        slot: Rc::clone(&slot),
    });
    SlotStream {
        slot,
        body: Box::pin(body),
        done: false,
    }
}

impl<T, B: Future<Output = ()>> Stream for SlotStream<T, B> {
    type Item = T;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        if self.done {
            return Poll::Ready(None);
        }
        let finished = self.body.as_mut().poll(cx).is_ready();
        if let Some(item) = self.slot.borrow_mut().take() {
            return Poll::Ready(Some(item));
        }
        if finished {
            self.done = true;
            return Poll::Ready(None);
        }
        // The body is waiting on a real future (a channel, a timer), which
        // stored `cx`'s waker: passing its `Pending` on is safe.
        Poll::Pending
    }
}
// ANCHOR_END: handmade

// ANCHOR: handmade_use
fn handmade_stream_macro() {
    let (tx, mut rx) = mpsc::channel::<u32>(8);
    // The same running totals, without the macro.
    let totals = slot_stream(|yielder| async move {
        let mut total = 0;
        while let Some(n) = rx.recv().await {
            total += n;
            yielder.item(total).await;
        }
    });
    let mut totals = tokio_test::task::spawn(totals);

    assert!(totals.poll_next().is_pending());
    tx.try_send(5).unwrap();
    assert!(totals.is_woken());
    assert_eq!(totals.poll_next(), Poll::Ready(Some(5)));
    tx.try_send(10).unwrap();
    assert_eq!(totals.poll_next(), Poll::Ready(Some(15)));
    drop(tx);
    assert_eq!(totals.poll_next(), Poll::Ready(None));
    assert_eq!(totals.poll_next(), Poll::Ready(None));
}
// ANCHOR_END: handmade_use

fn main() {
    poll_recv_registers_the_waker();
    prioritized();
    wrappers();
    stream_macro();
    stream_body_is_lazy();
    handmade_stream_macro();
}
