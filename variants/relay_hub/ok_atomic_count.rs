//! Another right answer: each client's count is an `AtomicU64` shared by the
//! hub and the subscription, so a subscription never takes the hub's lock.
//! The care is in the order of the looks. The hub counts a line only while
//! the count is above 0 (`fetch_update`, never a blind `fetch_add` that could
//! follow the subscription's reset and start a second notice). The
//! subscription looks at the count first: once it is above 0 nothing more is
//! queued, so an empty queue then means every line before the notice has been
//! delivered, and `swap(0)` takes the count.
//! expect: pass

use std::collections::BTreeMap;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::task::{Context, Poll};

use futures::Stream;
use tokio::sync::mpsc;
use tokio::sync::mpsc::error::TrySendError;

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

/// The room: one per `Hub::new`, shared by its clones, and only weakly by
/// the subscriptions (a subscription does not keep the room alive).
struct Room {
    queue: usize,
    clients: Mutex<Clients>,
}

struct Clients {
    next_id: ClientId,
    joined: BTreeMap<ClientId, Client>,
}

/// The hub's side of one client.
struct Client {
    /// Lines for it: a bounded queue of `queue` lines.
    queue: mpsc::Sender<Delivery>,
    /// Lines it missed since it fell behind; 0 while it is live. Shared
    /// with its subscription.
    missed: Arc<AtomicU64>,
}

impl Room {
    fn lock(&self) -> MutexGuard<'_, Clients> {
        // Nothing here panics while holding the lock, so a poisoned lock only
        // means some other code panicked: the map is still whole.
        self.clients
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The hub: cheap to clone, every clone the same room. `Send + Sync`.
#[derive(Clone)]
pub struct Hub {
    room: Arc<Room>,
}

impl Hub {
    /// A hub whose clients each have a queue of `queue` deliveries (>= 1).
    pub fn new(queue: usize) -> Self {
        assert!(queue >= 1, "a client's queue must hold at least 1 line");
        let clients = Mutex::new(Clients {
            next_id: 1,
            joined: BTreeMap::new(),
        });
        Hub {
            room: Arc::new(Room { queue, clients }),
        }
    }

    /// Joins a new client (ids 1, 2, 3, … in order of joining).
    pub fn join(&self) -> Subscription {
        let (queue, lines) = mpsc::channel(self.room.queue);
        let mut clients = self.room.lock();
        // Never `joined.len() + 1`: after a client leaves, that is the id of
        // someone still in the room.
        let id = clients.next_id;
        clients.next_id += 1;
        let missed = Arc::new(AtomicU64::new(0));
        let client = Client {
            queue,
            missed: Arc::clone(&missed),
        };
        clients.joined.insert(id, client);
        Subscription {
            id,
            lines,
            missed,
            room: Arc::downgrade(&self.room),
        }
    }

    /// Delivers `text` to every joined client except `from`. Never waits:
    /// a client whose queue is full misses the line (and is told later).
    pub fn publish(&self, from: ClientId, text: String) {
        let mut clients = self.room.lock();
        for (&id, client) in clients.joined.iter_mut() {
            if id == from {
                continue;
            }
            // Behind: skip ahead. The notice it is owed comes after the lines
            // already queued; a line queued now would come after the notice,
            // so it could not be counted in it: count it instead.
            let behind = client
                .missed
                .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                    (n > 0).then_some(n + 1)
                });
            if behind.is_ok() {
                continue;
            }
            let line = Delivery::Line {
                from,
                text: text.clone(),
            };
            // `try_send`, never `send().await`: one full queue must not hold
            // up the others (nor this lock, nor the publisher).
            match client.queue.try_send(line) {
                Ok(()) => {}
                Err(TrySendError::Full(_)) => {
                    client.missed.fetch_add(1, Ordering::AcqRel);
                }
                // Nobody reads it any more: nothing to deliver.
                Err(TrySendError::Closed(_)) => {}
            }
        }
    }

    /// How many clients are joined.
    pub fn clients(&self) -> usize {
        self.room.lock().joined.len()
    }
}

/// One client's deliveries. Dropping it leaves the hub.
pub struct Subscription {
    id: ClientId,
    lines: mpsc::Receiver<Delivery>,
    missed: Arc<AtomicU64>,
    room: Weak<Room>,
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
        if this.missed.load(Ordering::Acquire) > 0 {
            // Behind: nothing more is queued for us, so once the queue is
            // empty, the count is all that is left.
            if let Ok(line) = this.lines.try_recv() {
                return Poll::Ready(Some(line));
            }
            let missed = this.missed.swap(0, Ordering::AcqRel);
            return Poll::Ready(Some(Delivery::Missed(missed)));
        }
        // Live: a line, or `Pending` with our waker in the channel. Falling
        // behind takes a full queue, and the lines that fill it wake us.
        this.lines.poll_recv(cx)
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        // Leave at once: from now on `publish` does not even look at us.
        if let Some(room) = self.room.upgrade() {
            room.lock().joined.remove(&self.id);
        }
    }
}
