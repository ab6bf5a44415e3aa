//! Alternative solution: offers the current item to every receiver that does
//! not have it yet on each poll, so receivers with room get it at once and
//! only the full ones are waited for. It remembers who has the item in a
//! `Vec<bool>` instead of an index.
//! expect: pass

use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures::Stream;
use tokio::sync::mpsc::{self, Receiver};
use tokio_util::sync::PollSender;

pub struct FanoutStream<T> {
    source: Pin<Box<dyn Stream<Item = T> + Send>>,
    sinks: Vec<Option<PollSender<T>>>,
    current: Option<T>,
    /// `has_it[k]`: sink `k` already has `current`.
    has_it: Vec<bool>,
}

impl<T> Unpin for FanoutStream<T> {}

impl<T: Send + 'static> FanoutStream<T> {
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
            has_it: vec![false; sink_count],
        };
        (fanout, receivers)
    }
}

impl<T: Clone + Send + 'static> Stream for FanoutStream<T> {
    type Item = ();

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<()>> {
        let this = &mut *self;
        if this.current.is_none() {
            let alive = this
                .sinks
                .iter()
                .flatten()
                .any(|s| s.get_ref().is_some_and(|tx| !tx.is_closed()));
            if !alive {
                this.sinks.clear();
                return Poll::Ready(None);
            }
            match ready!(this.source.as_mut().poll_next(cx)) {
                Some(item) => {
                    this.current = Some(item);
                    this.has_it.fill(false);
                }
                None => {
                    this.sinks.clear();
                    return Poll::Ready(None);
                }
            }
        }
        let mut waiting = false;
        for (slot, has_it) in this.sinks.iter_mut().zip(this.has_it.iter_mut()) {
            let Some(sink) = slot else { continue };
            if *has_it {
                continue;
            }
            match sink.poll_reserve(cx) {
                Poll::Ready(Ok(())) => {
                    let item = this.current.clone().expect("an item is under way");
                    *has_it = true;
                    if sink.send_item(item).is_err() {
                        *slot = None;
                    }
                }
                Poll::Ready(Err(_)) => *slot = None,
                // Registered our waker with this sink's channel.
                Poll::Pending => waiting = true,
            }
        }
        if waiting {
            return Poll::Pending;
        }
        this.current = None;
        Poll::Ready(Some(()))
    }
}
