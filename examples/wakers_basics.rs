//! The Wakers chapter: building a waker with `std::task::Wake`, waking from
//! another thread, watching wake-ups in a test, and `park`/`unpark`.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use std::thread;

// ANCHOR: wake_trait
/// A waker that only counts how often it was woken.
#[derive(Default)]
struct CountingWaker {
    wakes: AtomicUsize,
}

impl Wake for CountingWaker {
    // Required: wake, consuming one handle (one `Arc`).
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    // Optional: wake through a borrowed handle. The default clones the `Arc`
    // and calls `wake`; counting needs no clone, so we override it.
    fn wake_by_ref(self: &Arc<Self>) {
        self.wakes.fetch_add(1, Ordering::SeqCst);
    }
}
// ANCHOR_END: wake_trait

// ANCHOR: wake_use
fn build_and_wake() {
    let counter = Arc::new(CountingWaker::default());
    // Any `Arc<W>` where `W: Wake` becomes a `Waker`, with no `unsafe` code.
    let waker = Waker::from(Arc::clone(&counter));

    waker.wake_by_ref(); // wakes, and we still have `waker`

    // A `Waker` is `Send + Sync`: a clone can be woken on another thread.
    let for_thread = waker.clone();
    thread::spawn(move || for_thread.wake()) // `wake` consumes the clone
        .join()
        .unwrap();

    assert_eq!(counter.wakes.load(Ordering::SeqCst), 2);
}
// ANCHOR_END: wake_use

// ANCHOR: tokio_test
fn observe_with_tokio_test() {
    // The receiving half of a channel is a future that waits for the sender.
    let (sender, receiver) = tokio::sync::oneshot::channel::<u32>();
    // `spawn` wraps it in a mock task that records wake-ups (nothing runs).
    let mut task = tokio_test::task::spawn(receiver);

    assert!(task.poll().is_pending());
    assert!(!task.is_woken(), "nothing has happened yet");

    sender.send(7).unwrap();
    assert!(task.is_woken(), "sending must wake the receiver's task");
    assert_eq!(task.poll(), Poll::Ready(Ok(7)));
}
// ANCHOR_END: tokio_test

// ANCHOR: futures_test
fn observe_with_futures_test() {
    let (sender, mut receiver) = tokio::sync::oneshot::channel::<u32>();
    let (waker, wake_count) = futures_test::task::new_count_waker();
    let mut cx = Context::from_waker(&waker);

    assert!(Pin::new(&mut receiver).poll(&mut cx).is_pending());
    assert_eq!(wake_count.get(), 0);
    sender.send(7).unwrap();
    assert_eq!(wake_count.get(), 1);
    assert_eq!(Pin::new(&mut receiver).poll(&mut cx), Poll::Ready(Ok(7)));
}
// ANCHOR_END: futures_test

// ANCHOR: park
fn park_and_unpark() {
    // `unpark` before `park`: the thread keeps a token, and the next `park`
    // uses it up and returns at once. A wake-up that comes early is not lost.
    thread::current().unpark();
    thread::park();

    // The usual shape: wait for a condition, parking while it is false. `park`
    // may also return for no reason at all, so the condition is checked in a
    // loop rather than trusted after one `park`.
    let done = Arc::new(AtomicBool::new(false));
    let waiter = thread::current();
    let worker = {
        let done = Arc::clone(&done);
        thread::spawn(move || {
            done.store(true, Ordering::Release);
            waiter.unpark();
        })
    };
    while !done.load(Ordering::Acquire) {
        thread::park();
    }
    worker.join().unwrap();
}
// ANCHOR_END: park

fn main() {
    build_and_wake();
    observe_with_tokio_test();
    observe_with_futures_test();
    park_and_unpark();
}
