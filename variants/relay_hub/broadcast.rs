//! Mistake: a `tokio::sync::broadcast` channel for the whole room, each
//! subscription a `broadcast::Receiver` that skips its own lines, its
//! `Lagged(n)` passed on as `Missed(n)`. It looks made for the job (one
//! send, every receiver, never waits, tells a receiver that fell behind),
//! but its policy is not the hub's. Its ring is shared and overwrites the
//! *oldest* line, so a slow client keeps the newest ones and is told first.
//! And every receiver sees every line, its own included: `Lagged(n)` counts
//! its own lines too, so a client that talks a lot is told it missed lines
//! nobody would have sent it, and the count is not exact.
//! expect: fail a_client_never_gets_its_own_lines_nor_a_notice_about_them "broadcast"
//! expect: fail a_full_queue_keeps_the_oldest_lines_and_tells_at_once_how_many_it_missed "overwrites the oldest"

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};

use futures::Stream;
use tokio::sync::broadcast;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;

/// A client's number in the hub: 1, 2, 3, … in order of joining.
pub type ClientId = u64;

/// What a client receives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// A line another client sent.
    Line { from: ClientId, text: String },
    /// This client's queue was full, and it missed this many lines (from
    /// other clients) since its last delivery.
    Missed(u64),
}

struct Room {
    lines: broadcast::Sender<(ClientId, String)>,
    next_id: AtomicU64,
    joined: AtomicUsize,
}

/// The hub: cheap to clone, every clone the same room. `Send + Sync`.
#[derive(Clone)]
pub struct Hub {
    room: Arc<Room>,
}

impl Hub {
    /// A hub whose clients each have a queue of `queue` deliveries (>= 1).
    pub fn new(queue: usize) -> Self {
        let (lines, _) = broadcast::channel(queue);
        let room = Room {
            lines,
            next_id: AtomicU64::new(1),
            joined: AtomicUsize::new(0),
        };
        Hub {
            room: Arc::new(room),
        }
    }

    /// Joins a new client (ids 1, 2, 3, … in order of joining).
    pub fn join(&self) -> Subscription {
        let id = self.room.next_id.fetch_add(1, Ordering::SeqCst);
        self.room.joined.fetch_add(1, Ordering::SeqCst);
        Subscription {
            id,
            lines: BroadcastStream::new(self.room.lines.subscribe()),
            room: Arc::clone(&self.room),
        }
    }

    // ANCHOR: mistake
    /// Delivers `text` to every joined client except `from`. Never waits:
    /// a client whose queue is full misses the line (and is told later).
    pub fn publish(&self, from: ClientId, text: String) {
        // One send for everyone; an error only means nobody is subscribed.
        let _ = self.room.lines.send((from, text));
    }
    // ANCHOR_END: mistake

    /// How many clients are joined.
    pub fn clients(&self) -> usize {
        self.room.joined.load(Ordering::SeqCst)
    }
}

/// One client's deliveries. Dropping it leaves the hub.
pub struct Subscription {
    id: ClientId,
    lines: BroadcastStream<(ClientId, String)>,
    room: Arc<Room>,
}

impl Subscription {
    /// This client's id.
    pub fn id(&self) -> ClientId {
        self.id
    }
}

impl Stream for Subscription {
    type Item = Delivery;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Delivery>> {
        let this = self.get_mut();
        loop {
            return match Pin::new(&mut this.lines).poll_next(cx) {
                // Its own lines come back too: skip them.
                Poll::Ready(Some(Ok((from, _)))) if from == this.id => continue,
                Poll::Ready(Some(Ok((from, text)))) => {
                    Poll::Ready(Some(Delivery::Line { from, text }))
                }
                Poll::Ready(Some(Err(BroadcastStreamRecvError::Lagged(n)))) => {
                    Poll::Ready(Some(Delivery::Missed(n)))
                }
                Poll::Ready(None) => Poll::Ready(None),
                Poll::Pending => Poll::Pending,
            };
        }
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.room.joined.fetch_sub(1, Ordering::SeqCst);
    }
}
