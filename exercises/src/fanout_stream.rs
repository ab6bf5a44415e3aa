//! `fanout_stream`: one source, many bounded receivers; the slowest sets the pace.
//!
//! Book: "FanoutStream" (in the Backpressure part). Test: `cargo test --test fanout_stream`.

use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures::Stream;
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
        todo!(
            "take an item from `source` (unless one is under way), then deliver a clone to each sink"
        )
    }
}
