//! The definitions the book quotes: std's `Poll` and `Future`, and the
//! `Stream` trait of `futures-core` (which `futures` and `tokio-stream` both
//! re-export). They are copied here, minus attributes that only matter to the
//! compiler, so that what the book shows is compiled code; `main` implements
//! the copies to show they are complete.

use std::pin::Pin;
use std::task::{Context, Waker};

// ANCHOR: poll_enum
pub enum Poll<T> {
    Ready(T),
    Pending,
}
// ANCHOR_END: poll_enum

// ANCHOR: future_trait
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub trait Future {
    type Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output>;
}
// ANCHOR_END: future_trait

// ANCHOR: stream_trait
#[must_use = "streams do nothing unless polled"]
pub trait Stream {
    type Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>>;

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, None)
    }
}
// ANCHOR_END: stream_trait

/// `Pending` once, then `Ready(())`.
struct YieldOnce {
    yielded: bool,
}

impl Future for YieldOnce {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// Yields 2, 1, then ends; keeps the default `size_hint`.
struct CountDown {
    next: u32,
}

impl Stream for CountDown {
    type Item = u32;

    fn poll_next(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<u32>> {
        if self.next == 0 {
            return Poll::Ready(None);
        }
        self.next -= 1;
        Poll::Ready(Some(self.next + 1))
    }
}

fn main() {
    let mut cx = Context::from_waker(Waker::noop());

    let mut future = YieldOnce { yielded: false };
    assert!(matches!(Pin::new(&mut future).poll(&mut cx), Poll::Pending));
    assert!(matches!(
        Pin::new(&mut future).poll(&mut cx),
        Poll::Ready(())
    ));

    let mut stream = CountDown { next: 2 };
    // The default hint, "zero or more", is true of every stream.
    assert_eq!(stream.size_hint(), (0, None));
    let mut items = Vec::new();
    while let Poll::Ready(Some(item)) = Pin::new(&mut stream).poll_next(&mut cx) {
        items.push(item);
    }
    assert_eq!(items, [2, 1]);
}
