//! The Pinning chapter, part 2: `Pin<&mut Self>` inside `poll`, and the two
//! ways to keep a `!Unpin` field such as tokio's `Sleep` in your own type:
//! boxed (`Pin<Box<Sleep>>`, and the type stays `Unpin`), or pinned in place
//! with `pin_project_lite::pin_project!` (no allocation, and the type is
//! `!Unpin`). Plus `Sleep::reset`, which reuses one timer.
//!
//! Everything that involves time runs on a paused clock, so the virtual
//! timestamps in the assertions are exact and the program takes no real time.

use std::future::{Future, ready};
use std::pin::{Pin, pin};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use futures::{Stream, StreamExt};
use pin_project_lite::pin_project;
use tokio::sync::oneshot;
use tokio::time::{Instant, Sleep, sleep, sleep_until};

const fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Whole milliseconds of virtual time since `start`.
fn ms_since(start: Instant) -> u64 {
    start.elapsed().as_millis() as u64
}

/// Compiles only if `T` is `Unpin`.
fn assert_unpin<T: Unpin>() {}

// ANCHOR: deadline
/// Completes with `Some(output)` if `inner` finishes within `limit`, or with
/// `None` when the time is up.
struct Deadline<F> {
    inner: F,
    /// `Sleep` is `!Unpin`. Boxed and pinned, it is an `Unpin` field.
    timer: Pin<Box<Sleep>>,
}

impl<F> Deadline<F> {
    fn new(inner: F, limit: Duration) -> Self {
        Self {
            inner,
            timer: Box::pin(sleep(limit)),
        }
    }
}

// For an `Unpin` inner future, `Deadline<F>` is `Unpin` too: each of its
// fields is.
impl<F: Future + Unpin> Future for Deadline<F> {
    type Output = Option<F::Output>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // `Self: Unpin`, so the `Pin` can come off: a plain `&mut Self`.
        let this: &mut Self = self.get_mut();

        // `inner` is `Unpin`: pin it for the call with `Pin::new`.
        if let Poll::Ready(output) = Pin::new(&mut this.inner).poll(cx) {
            return Poll::Ready(Some(output));
        }
        // `as_mut` turns `&mut Pin<Box<Sleep>>` into `Pin<&mut Sleep>`,
        // lending out the box's contents without giving up the box.
        ready!(this.timer.as_mut().poll(cx));
        Poll::Ready(None)
    }
}
// ANCHOR_END: deadline

// ANCHOR: deadline_use
async fn deadline_in_use() {
    assert_unpin::<Deadline<oneshot::Receiver<u32>>>();
    let start = Instant::now();

    // An answer at 30 ms beats a 50 ms deadline...
    let (tx, rx) = oneshot::channel();
    tokio::spawn(async move {
        sleep(ms(30)).await;
        tx.send(7).unwrap();
    });
    assert_eq!(Deadline::new(rx, ms(50)).await, Some(Ok(7)));
    assert_eq!(ms_since(start), 30);

    // ...one at 80 ms does not.
    let (tx, rx) = oneshot::channel::<u32>();
    tokio::spawn(async move {
        sleep(ms(50)).await;
        let _ = tx.send(7);
    });
    assert_eq!(Deadline::new(rx, ms(20)).await, None);
    assert_eq!(ms_since(start), 50);

    // An `async` block is `!Unpin`, so `Deadline<{async block}>` is not a
    // future at all. Boxing the block first makes it one.
    let work = Box::pin(async {
        sleep(ms(10)).await;
        "done"
    });
    assert_eq!(Deadline::new(work, ms(50)).await, Some("done"));
}
// ANCHOR_END: deadline_use

// ANCHOR: with_deadline
pin_project! {
    /// `Deadline` for any inner future, with no box: both fields are pinned
    /// in place, inside the `WithDeadline`.
    struct WithDeadline<F> {
        #[pin]
        inner: F,
        #[pin]
        timer: Sleep,
    }
}

impl<F> WithDeadline<F> {
    fn new(inner: F, limit: Duration) -> Self {
        Self {
            inner,
            timer: sleep(limit),
        }
    }
}

impl<F: Future> Future for WithDeadline<F> {
    type Output = Option<F::Output>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // One `Pin<&mut Self>` in, one pinned reference per `#[pin]` field out.
        let this = self.project();
        let inner: Pin<&mut F> = this.inner;
        let timer: Pin<&mut Sleep> = this.timer;

        if let Poll::Ready(output) = inner.poll(cx) {
            return Poll::Ready(Some(output));
        }
        ready!(timer.poll(cx));
        Poll::Ready(None)
    }
}
// ANCHOR_END: with_deadline

// ANCHOR: with_deadline_use
async fn with_deadline_in_use() {
    let start = Instant::now();

    // An `async` block goes in as it is.
    let work = async {
        sleep(ms(10)).await;
        "done"
    };
    // `.await` pins the `WithDeadline` in the state of this `async fn`.
    assert_eq!(WithDeadline::new(work, ms(50)).await, Some("done"));
    assert_eq!(ms_since(start), 10);

    // To poll it by hand, or keep it across several `select!`s, pin it
    // first: `pin!` here, or `Box::pin` to store it somewhere.
    let mut slow = pin!(WithDeadline::new(sleep(ms(100)), ms(20)));
    assert_eq!(slow.as_mut().await, None);
    assert_eq!(ms_since(start), 30);
}
// ANCHOR_END: with_deadline_use

// ANCHOR: counted
pin_project! {
    /// Counts how many times `inner` was polled.
    struct Counted<F> {
        #[pin]
        inner: F,
        polls: u32,
    }
}

impl<F: Future> Future for Counted<F> {
    type Output = (F::Output, u32);

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        // A field without `#[pin]` comes out as a plain `&mut u32`.
        *this.polls += 1;
        let output = ready!(this.inner.poll(cx));
        Poll::Ready((output, *this.polls))
    }
}

async fn counted_in_use() {
    // `Counted<F>` is `Unpin` exactly when `F` is: only its `#[pin]` field
    // counts. (`WithDeadline` has a `#[pin] Sleep`, so it never is.)
    assert_unpin::<Counted<std::future::Ready<u32>>>();

    assert_eq!(Counted::new(ready(5)).await, (5, 1));
    let two_timers = async {
        sleep(ms(10)).await;
        sleep(ms(10)).await;
    };
    // Polled once to start, and once after each timer fired.
    assert_eq!(Counted::new(two_timers).await, ((), 3));
}
// ANCHOR_END: counted

impl<F> Counted<F> {
    fn new(inner: F) -> Self {
        Self { inner, polls: 0 }
    }
}

// ANCHOR: idle_timeout
pin_project! {
    /// Yields the items of `stream`, and ends early once `idle` has passed
    /// without an item.
    struct IdleTimeout<S> {
        #[pin]
        stream: S,
        // One timer for the whole life of the stream, moved after each item.
        #[pin]
        timer: Sleep,
        idle: Duration,
        timed_out: bool,
    }
}

impl<S> IdleTimeout<S> {
    fn new(stream: S, idle: Duration) -> Self {
        Self {
            stream,
            timer: sleep(idle),
            idle,
            timed_out: false,
        }
    }
}

impl<S: Stream> Stream for IdleTimeout<S> {
    type Item = S::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        let mut this = self.project();
        if *this.timed_out {
            return Poll::Ready(None);
        }
        match this.stream.poll_next(cx) {
            Poll::Ready(Some(item)) => {
                // `reset` takes `Pin<&mut Sleep>` by value: `as_mut` lends
                // ours out, so `this.timer` stays usable.
                this.timer.as_mut().reset(Instant::now() + *this.idle);
                Poll::Ready(Some(item))
            }
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => {
                // Waiting for an item, and for the timer: a `Pending` from
                // either has registered this task's waker with it.
                ready!(this.timer.as_mut().poll(cx));
                *this.timed_out = true;
                Poll::Ready(None)
            }
        }
    }
}
// ANCHOR_END: idle_timeout

// ANCHOR: idle_timeout_use
async fn idle_timeout_in_use() {
    let start = Instant::now();
    // Items at 0, 30 and 50 ms, then a long silence. This stream is made by
    // an `async` block, so it is `!Unpin`: `IdleTimeout` takes it as it is.
    let source = async_stream::stream! {
        for at in [0, 30, 50] {
            sleep_until(start + ms(at)).await;
            yield at;
        }
        sleep(ms(1000)).await;
    };

    let mut items = pin!(IdleTimeout::new(source, ms(40)));
    let mut seen = Vec::new();
    while let Some(at) = items.next().await {
        seen.push((at, ms_since(start)));
    }
    assert_eq!(seen, [(0, 0), (30, 30), (50, 50)]);
    // 40 ms after the last item, the stream ends.
    assert_eq!(ms_since(start), 90);
}
// ANCHOR_END: idle_timeout_use

fn main() {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap()
        .block_on(async {
            deadline_in_use().await;
            with_deadline_in_use().await;
            counted_in_use().await;
            idle_timeout_in_use().await;
        });
}
