//! The Backpressure chapter, part 3: two orders for a hand-written fan-out.
//! Pull first (take an item, then reserve a slot in each channel in turn),
//! or reserve first (a slot in every channel, and only then an item). Both
//! deliver every item to every receiver; they differ in how much they take
//! from the source, what they hold while they wait, and what a fast receiver
//! sees.
//!
//! A tokio mpsc channel needs no runtime, so both are polled by hand as mock
//! tasks: nothing can hang, and no clock is involved.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, ready};

use futures::stream::{self, Stream, StreamExt};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tokio_util::sync::PollSender;

/// Takes an item, then delivers it to each sink in turn: the order of the
/// FanoutStream exercise. It has to remember the item and where it got to.
struct PullFirst<S: Stream> {
    source: S,
    sinks: Vec<PollSender<S::Item>>,
    current: Option<S::Item>,
    next_sink: usize,
}

impl<S> Future for PullFirst<S>
where
    S: Stream + Unpin,
    S::Item: Clone + Send + Unpin,
{
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        loop {
            if this.current.is_none() {
                match ready!(this.source.poll_next_unpin(cx)) {
                    Some(item) => this.current = Some(item),
                    None => {
                        this.sinks.clear();
                        return Poll::Ready(());
                    }
                }
                this.next_sink = 0;
            }
            let item = this.current.as_ref().expect("an item under way");
            while let Some(sink) = this.sinks.get_mut(this.next_sink) {
                // `Err`: that receiver is gone, and it is skipped.
                if ready!(sink.poll_reserve(cx)).is_ok() {
                    let sent = sink.send_item(item.clone());
                    assert!(sent.is_ok(), "a reserved slot takes the item");
                }
                this.next_sink += 1;
            }
            this.current = None;
        }
    }
}

// ANCHOR: reserve_first
/// Reserves a slot in every sink, and only then takes an item from the
/// source and sends it into all of them.
struct ReserveFirst<S: Stream> {
    source: S,
    sinks: Vec<PollSender<S::Item>>,
}

impl<S> Future for ReserveFirst<S>
where
    S: Stream + Unpin,
    S::Item: Clone + Send,
{
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        loop {
            // A `PollSender` keeps the slot it reserved until `send_item`,
            // and `poll_reserve` on it answers `Ready` at once. So every
            // poll can start again from the first sink: no cursor, no item
            // to remember.
            for sink in &mut this.sinks {
                // `Err`: that receiver is gone; the sink goes just below.
                let _ = ready!(sink.poll_reserve(cx));
            }
            // A receiver may also have gone after its slot was reserved:
            // ask the channel, not the reservation.
            this.sinks
                .retain(|sink| sink.get_ref().is_some_and(|tx| !tx.is_closed()));
            if this.sinks.is_empty() {
                return Poll::Ready(()); // nobody left: pull nothing more
            }
            // Room everywhere: only now is an item taken from the source.
            match ready!(this.source.poll_next_unpin(cx)) {
                Some(item) => {
                    for sink in &mut this.sinks {
                        let sent = sink.send_item(item.clone());
                        assert!(sent.is_ok(), "a reserved slot takes the item");
                    }
                }
                None => {
                    this.sinks.clear();
                    return Poll::Ready(());
                }
            }
        }
    }
}
// ANCHOR_END: reserve_first

/// `0..10`, counting how many items have been taken from it.
fn counted_source() -> (impl Stream<Item = u32> + Unpin, Arc<AtomicUsize>) {
    let taken = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&taken);
    let source = stream::iter(0..10).inspect(move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    (source, taken)
}

/// A channel per buffer size: the senders as `PollSender`s, and the
/// receivers.
fn sinks(buffers: &[usize]) -> (Vec<PollSender<u32>>, Vec<mpsc::Receiver<u32>>) {
    buffers
        .iter()
        .map(|&buffer| {
            let (tx, rx) = mpsc::channel(buffer);
            (PollSender::new(tx), rx)
        })
        .unzip()
}

/// Everything a receiver can take right now.
fn drain(rx: &mut mpsc::Receiver<u32>) -> Vec<u32> {
    std::iter::from_fn(|| rx.try_recv().ok()).collect()
}

// ANCHOR: orders_compared
fn the_two_orders_compared() {
    // A fast receiver with room for 8, a slow one with room for 2 that
    // does not read yet.

    // Pull first: items 0 and 1 fill the slow receiver, and item 2 is
    // already out of the source, in the fan-out's hands. The fast receiver
    // has it.
    let (source, taken) = counted_source();
    let (senders, mut receivers) = sinks(&[8, 2]);
    let mut fan_out = tokio_test::task::spawn(PullFirst {
        source,
        sinks: senders,
        current: None,
        next_sink: 0,
    });
    assert!(fan_out.poll().is_pending());
    assert_eq!(taken.load(Ordering::SeqCst), 3);
    assert_eq!(drain(&mut receivers[0]), [0, 1, 2]);

    // Reserve first: nothing leaves the source before the slow receiver
    // has room for it. The fast receiver gets item 2 only then.
    let (source, taken) = counted_source();
    let (senders, mut receivers) = sinks(&[8, 2]);
    let mut fan_out = tokio_test::task::spawn(ReserveFirst {
        source,
        sinks: senders,
    });
    assert!(fan_out.poll().is_pending());
    assert_eq!(taken.load(Ordering::SeqCst), 2);
    assert_eq!(drain(&mut receivers[0]), [0, 1]);

    // The slow receiver makes room, and that wakes the fan-out.
    assert_eq!(receivers[1].try_recv(), Ok(0));
    assert!(fan_out.is_woken());
    assert!(fan_out.poll().is_pending());
    assert_eq!(taken.load(Ordering::SeqCst), 3);
    assert_eq!(drain(&mut receivers[0]), [2]);

    // Reading on, both receivers get every item, once, in order.
    let mut slow = vec![0];
    while fan_out.poll().is_pending() {
        slow.extend(drain(&mut receivers[1]));
    }
    slow.extend(drain(&mut receivers[1]));
    assert_eq!(slow, (0..10).collect::<Vec<_>>());
    assert_eq!(drain(&mut receivers[0]), (3..10).collect::<Vec<_>>());
}
// ANCHOR_END: orders_compared

// ANCHOR: held_slot
fn reserve_first_holds_a_slot_while_the_source_is_quiet() {
    // The source is a channel with nothing in it yet, and the sink's
    // channel (room for 2) has a second sender, `other`.
    let (source_tx, source_rx) = mpsc::channel::<u32>(1);
    let (tx, mut rx) = mpsc::channel::<u32>(2);
    let other = tx.clone();
    let mut fan_out = tokio_test::task::spawn(ReserveFirst {
        source: ReceiverStream::new(source_rx),
        sinks: vec![PollSender::new(tx)],
    });

    // Waiting for the source, it holds one slot for the item to come:
    // `other` finds room for one, not two.
    assert!(fan_out.poll().is_pending());
    assert_eq!(other.capacity(), 1);

    // The item comes, and goes straight into the held slot.
    source_tx.try_send(7).unwrap();
    assert!(fan_out.is_woken());
    assert!(fan_out.poll().is_pending());
    assert_eq!(rx.try_recv(), Ok(7));
}
// ANCHOR_END: held_slot

/// A receiver that goes away while its slot is reserved is noticed before
/// anything more is pulled.
fn reserve_first_pulls_nothing_for_nobody() {
    let (source_tx, source_rx) = mpsc::channel::<u32>(1);
    let (tx, rx) = mpsc::channel::<u32>(2);
    let mut fan_out = tokio_test::task::spawn(ReserveFirst {
        source: ReceiverStream::new(source_rx),
        sinks: vec![PollSender::new(tx)],
    });
    assert!(fan_out.poll().is_pending()); // a slot reserved, the source quiet
    drop(rx);
    source_tx.try_send(1).unwrap();
    assert!(fan_out.is_woken());
    assert!(fan_out.poll().is_ready(), "nobody left");
    assert_eq!(source_tx.capacity(), 0, "the item is still in the source");
}

fn main() {
    the_two_orders_compared();
    reserve_first_pulls_nothing_for_nobody();
    reserve_first_holds_a_slot_while_the_source_is_quiet();
}
