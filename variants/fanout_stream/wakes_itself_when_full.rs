//! Mistake: `try_send`, and when a buffer is full, wake the task and return
//! `Pending` so that it is polled again. It is: at once, again and again, until
//! the slow receiver makes room. A busy loop that burns a core.
//! expect: fail a_full_receiver_holds_the_stream_until_it_takes_an_item "busy loop"
//! expect: fail a_full_receiver_holds_the_stream_until_it_takes_an_item "poll 3 -> Pending, woke itself during the poll"

use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures::Stream;
use tokio::sync::mpsc::error::TrySendError;
use tokio::sync::mpsc::{self, Receiver};
use tokio_util::sync::PollSender;

/// Copies every item of a source stream to several bounded channels.
///
/// Each `Some(())` it yields means one source item was delivered to every
/// receiver still alive. While a live receiver's buffer is full, the stream is
/// `Pending` until that receiver takes an item. A dropped receiver is skipped
/// from then on. When the source ends, the senders are dropped (the receivers
/// see the end) and the stream yields `None`; when every receiver is gone, it
/// yields `None` without pulling more from the source.
pub struct FanoutStream<T> {
    source: Pin<Box<dyn Stream<Item = T> + Send>>,
    /// One sender per receiver, in order; `None` once that receiver is gone.
    sinks: Vec<Option<PollSender<T>>>,
    /// The item being delivered, if one is under way.
    current: Option<T>,
    /// The sinks before this index already have `current`.
    next_sink: usize,
}

// `FanoutStream` never pins anything of its own: the source is pinned in its
// own box and `current` is only ever moved or cloned. So it can be `Unpin`
// whatever `T` is, and `poll_next` may use `&mut self` fields freely.
// (Implementing `Unpin` is safe: it only promises what the code above keeps.)
impl<T> Unpin for FanoutStream<T> {}

impl<T: Send + 'static> FanoutStream<T> {
    /// A fan-out of `source` to `sink_count` channels of `buffer_size` items
    /// each, and the receivers of those channels.
    ///
    /// # Panics
    ///
    /// If `buffer_size` is 0 (a channel needs room for at least one item).
    pub fn new(
        source: impl Stream<Item = T> + Send + 'static,
        sink_count: usize,
        buffer_size: usize,
    ) -> (Self, Vec<Receiver<T>>) {
        let (sinks, receivers) = (0..sink_count)
            .map(|_| {
                let (tx, rx) = mpsc::channel(buffer_size);
                (Some(PollSender::new(tx)), rx)
            })
            .unzip();
        let fanout = Self {
            source: Box::pin(source),
            sinks,
            current: None,
            next_sink: 0,
        };
        (fanout, receivers)
    }
}

impl<T: Clone + Send + 'static> Stream for FanoutStream<T> {
    type Item = ();

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<()>> {
        // Every field is `Unpin`, so `FanoutStream` is too: plain `&mut` access.
        let this = &mut *self;

        if this.current.is_none() {
            // Forget the receivers that are gone. If none is left, stop here:
            // pulling another item would only throw it away.
            for sink in &mut this.sinks {
                if sink
                    .as_ref()
                    .is_some_and(|s| s.get_ref().is_none_or(|tx| tx.is_closed()))
                {
                    *sink = None;
                }
            }
            if this.sinks.iter().all(Option::is_none) {
                return Poll::Ready(None);
            }
            match ready!(this.source.as_mut().poll_next(cx)) {
                Some(item) => {
                    this.current = Some(item);
                    this.next_sink = 0;
                }
                None => {
                    // Dropping the senders is what tells the receivers the
                    // stream has ended: do it now, not when `self` is dropped.
                    this.sinks.clear();
                    return Poll::Ready(None);
                }
            }
        }

        // Deliver `current` to each sink in turn, resuming after the sinks
        // that already have it: an item is never sent to a receiver twice.
        // ANCHOR: deliver
        while let Some(slot) = this.sinks.get_mut(this.next_sink) {
            if let Some(sink) = slot {
                // `try_send` puts the item in the channel if there is room,
                // and otherwise hands it back. Either way it registers nothing.
                let item = this.current.clone().expect("an item is under way");
                let sent = sink.get_ref().map(|tx| tx.try_send(item));
                match sent {
                    Some(Ok(())) => {}
                    Some(Err(TrySendError::Full(_))) => {
                        cx.waker().wake_by_ref(); // BUG: "poll me again", at once.
                        return Poll::Pending;
                    }
                    Some(Err(TrySendError::Closed(_))) | None => *slot = None,
                }
            }
            this.next_sink += 1;
        }
        // ANCHOR_END: deliver
        this.current = None;
        Poll::Ready(Some(()))
    }
}
