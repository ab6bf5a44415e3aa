//! The Streams chapter: consuming streams, combinators, the end of a stream,
//! `size_hint`, and a hand-written stream that waits (and so needs a waker).

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::thread;

use futures::executor::block_on;
use futures::future;
use futures::stream::{self, FusedStream, Stream, StreamExt};

// ANCHOR: while_let
fn while_let_next() {
    let mut numbers = stream::iter([3, 1, 4, 1, 5]);
    let mut total = 0;
    block_on(async {
        // `next()` is a future of the next item: `Some(item)`, or `None` at the end.
        while let Some(n) = numbers.next().await {
            total += n;
        }
    });
    assert_eq!(total, 14);
}
// ANCHOR_END: while_let

// ANCHOR: combinators
fn combinators() {
    let mut numbers = 1..=100;
    let squares_of_odds: Vec<u32> = block_on(
        stream::iter(numbers.by_ref())
            // futures' `filter` takes a closure that returns a *future* of a
            // bool, so the test itself may await; `future::ready` wraps a plain one.
            .filter(|n| future::ready(n % 2 == 1))
            .map(|n| n * n)
            .take(4)
            .collect(),
    );
    assert_eq!(squares_of_odds, [1, 9, 25, 49]);
    // Only 1..=7 were taken from the range: `take` stopped asking after 7.
    assert_eq!(numbers.next(), Some(8));
}
// ANCHOR_END: combinators

// ANCHOR: tokio_stream
// tokio-stream has its own `StreamExt` for the same `Stream` trait. Import one
// `StreamExt` per module: with both in scope, `.next()` is ambiguous.
mod with_tokio_stream {
    use tokio_stream::{self as stream, StreamExt};

    pub fn combinators() {
        let squares_of_odds: Vec<u32> = futures::executor::block_on(
            stream::iter(1..=100)
                // Here `filter` takes a plain `bool` closure.
                .filter(|n| n % 2 == 1)
                .map(|n| n * n)
                .take(4)
                .collect(),
        );
        assert_eq!(squares_of_odds, [1, 9, 25, 49]);
    }
}
// ANCHOR_END: tokio_stream

// ANCHOR: fuse
fn ending_and_fuse() {
    // A stream that is not fused: after `None` it carries on. (Every third
    // poll says `None`, like a source that runs dry now and then.)
    let flaky = || {
        let mut count = 0;
        stream::poll_fn(move |_cx| {
            count += 1;
            Poll::Ready(if count % 3 == 0 { None } else { Some(count) })
        })
    };

    block_on(async {
        let mut unfused = flaky();
        assert_eq!(unfused.next().await, Some(1));
        assert_eq!(unfused.next().await, Some(2));
        assert_eq!(unfused.next().await, None);
        assert_eq!(unfused.next().await, Some(4)); // items after the end!

        // `fuse()` remembers the first `None` and never polls the inner
        // stream again.
        let mut fused = flaky().fuse();
        assert_eq!(fused.next().await, Some(1));
        assert_eq!(fused.next().await, Some(2));
        assert!(!fused.is_terminated());
        assert_eq!(fused.next().await, None);
        assert!(fused.is_terminated());
        assert_eq!(fused.next().await, None); // and None forever after
    });
}
// ANCHOR_END: fuse

// ANCHOR: size_hint
fn size_hints() {
    // A stream of ten known items knows its length exactly.
    let mut digits = stream::iter(0..10);
    assert_eq!(digits.size_hint(), (10, Some(10)));
    // ...and the hint follows along as items are taken.
    block_on(digits.next());
    assert_eq!(digits.size_hint(), (9, Some(9)));

    // `map` keeps the length, `take` caps it, `filter` can say nothing about
    // the lower bound: every item might be dropped.
    assert_eq!(digits.clone().map(|d| d * 2).size_hint(), (9, Some(9)));
    assert_eq!(digits.clone().take(3).size_hint(), (3, Some(3)));
    assert_eq!(
        digits.filter(|d| future::ready(d % 2 == 0)).size_hint(),
        (0, Some(9))
    );

    // A stream that cannot know uses the default: "0 or more".
    let unknown = stream::poll_fn(|_cx| Poll::Ready(Some(1)));
    assert_eq!(unknown.size_hint(), (0, None));
}
// ANCHOR_END: size_hint

// ANCHOR: inbox
/// What the two ends of a tiny unbounded queue share.
#[derive(Default)]
struct Shared {
    items: VecDeque<u32>,
    /// Set when the sending end is dropped: no more items will come.
    closed: bool,
    /// The waker of the latest poll that found the queue empty.
    waker: Option<Waker>,
}

/// The sending end.
struct Sender {
    shared: Arc<Mutex<Shared>>,
}

/// The receiving end: a stream of everything sent.
struct Receiver {
    shared: Arc<Mutex<Shared>>,
}

fn queue() -> (Sender, Receiver) {
    let shared = Arc::new(Mutex::new(Shared::default()));
    let sender = Sender {
        shared: Arc::clone(&shared),
    };
    (sender, Receiver { shared })
}

impl Sender {
    fn send(&self, item: u32) {
        let waker = {
            let mut shared = self.shared.lock().unwrap();
            shared.items.push_back(item);
            shared.waker.take()
        };
        // An item arrived: wake the task waiting in `poll_next`, if any.
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl Drop for Sender {
    fn drop(&mut self) {
        let waker = {
            let mut shared = self.shared.lock().unwrap();
            shared.closed = true;
            shared.waker.take()
        };
        // The end is news too: the receiver must wake up to return `None`.
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl Stream for Receiver {
    type Item = u32;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<u32>> {
        let mut shared = self.shared.lock().unwrap();
        if let Some(item) = shared.items.pop_front() {
            return Poll::Ready(Some(item));
        }
        if shared.closed {
            return Poll::Ready(None);
        }
        // Nothing yet, but more may come: exactly the situation of a future
        // that returns `Pending`. Store the waker, under the same lock as the
        // checks above, so a `send` cannot slip in between.
        shared.waker = Some(cx.waker().clone());
        Poll::Pending
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let shared = self.shared.lock().unwrap();
        // The queued items will surely come. More may follow, unless closed.
        let queued = shared.items.len();
        let upper = if shared.closed { Some(queued) } else { None };
        (queued, upper)
    }
}
// ANCHOR_END: inbox

// ANCHOR: inbox_test
fn receiver_polled_by_hand() {
    let (sender, receiver) = queue();
    let mut task = tokio_test::task::spawn(receiver);

    assert!(task.poll_next().is_pending());
    sender.send(1);
    sender.send(2);
    assert!(task.is_woken(), "send must wake the waiting receiver");
    assert_eq!(task.size_hint(), (2, None));

    assert_eq!(task.poll_next(), Poll::Ready(Some(1)));
    assert_eq!(task.poll_next(), Poll::Ready(Some(2)));
    assert!(task.poll_next().is_pending());

    drop(sender);
    assert!(task.is_woken(), "closing must wake the receiver too");
    assert_eq!(task.size_hint(), (0, Some(0)));
    assert_eq!(task.poll_next(), Poll::Ready(None));
    assert_eq!(task.poll_next(), Poll::Ready(None)); // stays ended
}
// ANCHOR_END: inbox_test

// ANCHOR: inbox_run
fn receiver_on_an_executor() {
    let (sender, mut receiver) = queue();
    let producer = thread::spawn(move || {
        for n in 1..=3 {
            sender.send(n);
        }
        // `sender` is dropped here, which ends the stream.
    });
    let received: Vec<u32> = block_on(async {
        let mut received = Vec::new();
        while let Some(n) = receiver.next().await {
            received.push(n);
        }
        received
    });
    producer.join().unwrap();
    assert_eq!(received, [1, 2, 3]);
}
// ANCHOR_END: inbox_run

fn main() {
    while_let_next();
    combinators();
    with_tokio_stream::combinators();
    ending_and_fuse();
    size_hints();
    receiver_polled_by_hand();
    receiver_on_an_executor();
}
