//! The Pinning chapter, part 1: why `poll` takes `Pin<&mut Self>`, which types
//! are `Unpin`, and the two ways to pin a future: `pin!` on the stack and
//! `Box::pin` on the heap.
//!
//! Nothing here needs a runtime: every future is polled by hand, with a waker
//! that does nothing, so `main` can check each step.

use std::cell::Cell;
use std::future::{Future, poll_fn};
use std::marker::{PhantomData, PhantomPinned};
use std::pin::{Pin, pin};
use std::ptr;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use futures::FutureExt;
use tokio::sync::{mpsc, oneshot};
use tokio::time::Sleep;

/// `Pending` once (waking its own task at once, as the Futures chapter's
/// `YieldThen` does), then `Ready`.
async fn yield_once() {
    let mut yielded = false;
    poll_fn(|cx| {
        if yielded {
            return Poll::Ready(());
        }
        yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    })
    .await;
}

// ANCHOR: self_ref
/// Holds a reference to one of its own locals across an `.await`, and
/// records in `address` where that local lives.
async fn first_plus_last(address: &Cell<usize>) -> u32 {
    let numbers = [1, 2, 3, 4];
    let last = &numbers[3]; // a reference to a local...
    address.set(ptr::from_ref(last).addr());
    yield_once().await; // ...that must survive this pause
    numbers[0] + *last
}
// ANCHOR_END: self_ref

// ANCHOR: points_into_itself
fn the_future_points_into_itself() {
    let address = Cell::new(0);
    let mut cx = Context::from_waker(Waker::noop());

    // Never polled yet: the future holds only its argument. Moving it is
    // harmless, and it is moved here, into the box.
    let mut future = Box::pin(first_plus_last(&address));

    // The memory the future occupies, inside its box.
    let start = ptr::from_ref(&*future).addr();
    let inside = start..start + size_of_val(&*future);

    // The first poll runs the body up to the `.await`: now `numbers` and
    // `last` live inside the future, and `last` points at `numbers`.
    assert!(future.as_mut().poll(&mut cx).is_pending());
    assert!(
        inside.contains(&address.get()),
        "`last` points into the future"
    );

    // Moving the box moves a pointer; the future stays where it is, so
    // `last` is still good when the body resumes.
    let mut moved = future;
    assert_eq!(moved.as_mut().poll(&mut cx), Poll::Ready(5));
}
// ANCHOR_END: points_into_itself

/// Whether a value's type is `Unpin`, asked about a concrete type.
///
/// A small trick, not an API: if `T: Unpin`, the call `unpin_probe(&x).is_unpin()`
/// finds the inherent method below, which says `true`; if not, that method
/// does not apply and the call falls back to the trait's, which says `false`.
/// It only works where the compiler knows the concrete type (not inside
/// generic code), which is all `main` needs.
struct UnpinProbe<T: ?Sized>(PhantomData<T>);

fn unpin_probe<T: ?Sized>(_: &T) -> UnpinProbe<T> {
    UnpinProbe(PhantomData)
}

impl<T: ?Sized + Unpin> UnpinProbe<T> {
    fn is_unpin(&self) -> bool {
        true
    }
}

trait NotUnpin {
    fn is_unpin(&self) -> bool {
        false
    }
}

impl<T: ?Sized> NotUnpin for UnpinProbe<T> {}

// ANCHOR: unpin_types
/// Compiles only if `T` is `Unpin`.
fn assert_unpin<T: Unpin>() {}

fn which_types_are_unpin() {
    // Plain data, and types that keep their data behind a pointer.
    assert_unpin::<u32>();
    assert_unpin::<String>();
    assert_unpin::<Vec<u8>>();
    assert_unpin::<mpsc::Receiver<u32>>();
    assert_unpin::<oneshot::Receiver<u32>>();
    assert_unpin::<std::future::Ready<u32>>();
    // Structs and tuples, when all their fields are.
    assert_unpin::<(u32, String, mpsc::Receiver<u32>)>();
    // Owning pointers are `Unpin` whatever they point to: moving a `Box`
    // moves the pointer, not the value on the heap.
    assert_unpin::<Box<PhantomPinned>>();
    assert_unpin::<Arc<PhantomPinned>>();
    assert_unpin::<Rc<PhantomPinned>>();
    assert_unpin::<Pin<Box<Sleep>>>();
}

fn which_types_are_not() {
    // Every future made by `async fn` or an `async` block.
    let address = Cell::new(0);
    assert!(!unpin_probe(&first_plus_last(&address)).is_unpin());
    assert!(!unpin_probe(&async {}).is_unpin());
    // (Boxed and pinned, it is `Unpin`, like every `Pin<Box<_>>`.)
    assert!(unpin_probe(&Box::pin(async {})).is_unpin());
    // The marker that opts a type out, and anything containing it:
    // tokio's `Sleep` has one inside.
    assert!(!unpin_probe(&PhantomPinned).is_unpin());
    assert!(!unpin_probe(&Some(PhantomPinned)).is_unpin());
    assert!(!unpin_probe(&vec![PhantomPinned]).is_unpin());
}
// ANCHOR_END: unpin_types

// ANCHOR: pin_unpin
fn pin_is_no_restriction_for_unpin_types() {
    let mut cx = Context::from_waker(Waker::noop());
    let (first_tx, mut first) = oneshot::channel::<&str>();
    let (second_tx, mut second) = oneshot::channel::<&str>();

    // `Pin::new` accepts only `Unpin` types: it can, because pinning one
    // promises nothing.
    assert!(Pin::new(&mut first).poll(&mut cx).is_pending());
    // `FutureExt::poll_unpin` is the same call, spelled shorter.
    assert!(second.poll_unpin(&mut cx).is_pending());

    // Both were polled, and may still be moved: a `oneshot::Receiver` keeps
    // its state in a shared allocation, never in itself.
    std::mem::swap(&mut first, &mut second);
    first_tx.send("one").unwrap();
    second_tx.send("two").unwrap();
    assert_eq!(first.poll_unpin(&mut cx), Poll::Ready(Ok("two")));

    // And `get_mut` takes the `Pin` off again.
    let pinned: Pin<&mut oneshot::Receiver<&str>> = Pin::new(&mut second);
    let unpinned: &mut oneshot::Receiver<&str> = pinned.get_mut();
    assert_eq!(unpinned.poll_unpin(&mut cx), Poll::Ready(Ok("one")));
}
// ANCHOR_END: pin_unpin

// ANCHOR: pin_macro
/// Polls `future` again and again until it is ready, and counts the polls.
/// (A toy executor: it spins instead of waiting for a wake-up.)
fn poll_until_ready<F: Future>(future: F) -> (F::Output, u32) {
    // `future` was moved into this function; `pin!` moves it once more, into
    // a hidden local of this frame, and pins it there. No allocation.
    let mut future: Pin<&mut F> = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    let mut polls = 0;
    loop {
        polls += 1;
        // `poll` takes the `Pin<&mut F>` by value; `as_mut` lends it out for
        // one call, so it can be used again on the next round.
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return (output, polls);
        }
    }
}

fn pin_on_the_stack() {
    let address = Cell::new(0);
    // An `async fn` future is `!Unpin`; `pin!` works for any type.
    assert_eq!(poll_until_ready(first_plus_last(&address)), (5, 2));
    assert_eq!(poll_until_ready(std::future::ready(7)), (7, 1));
}
// ANCHOR_END: pin_macro

// ANCHOR: box_pin
/// A future of any type, pinned on the heap. (`futures` calls this type
/// `BoxFuture`, and `FutureExt::boxed` makes one.)
type Job = Pin<Box<dyn Future<Output = u32> + Send>>;

/// Two different `async` blocks have two different types; boxed, they are
/// both a `Job`, and the pinned future can be returned.
fn job(n: u32) -> Job {
    if n.is_multiple_of(2) {
        Box::pin(async move { n })
    } else {
        Box::pin(async move {
            yield_once().await;
            n * 10
        })
    }
}

fn pin_on_the_heap() {
    let mut cx = Context::from_waker(Waker::noop());
    let mut jobs: Vec<Job> = (0..4).map(job).collect();

    // Poll each job once. Some finish...
    let mut done = Vec::new();
    jobs.retain_mut(|job| match job.as_mut().poll(&mut cx) {
        Poll::Ready(n) => {
            done.push(n);
            false
        }
        Poll::Pending => true,
    });
    assert_eq!(done, [0, 2]);

    // ...and the others, polled once already, are moved around freely: a
    // `Pin<Box<_>>` is `Unpin`, and moving it leaves the future in place.
    let mut rest: Vec<Job> = jobs.into_iter().rev().collect();
    let outputs: Vec<u32> = rest
        .iter_mut()
        .map(|job| match job.poll_unpin(&mut cx) {
            Poll::Ready(n) => n,
            Poll::Pending => unreachable!("each job yields only once"),
        })
        .collect();
    assert_eq!(outputs, [30, 10]);
}
// ANCHOR_END: box_pin

fn main() {
    the_future_points_into_itself();
    which_types_are_unpin();
    which_types_are_not();
    pin_is_no_restriction_for_unpin_types();
    pin_on_the_stack();
    pin_on_the_heap();
}
