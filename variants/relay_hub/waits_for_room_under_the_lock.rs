//! Mistake: `send().await` in `publish` (under `block_on`, since `publish` is
//! not async), with the hub's lock held. A full queue makes `publish` wait
//! until that client reads: one slow client holds up the publisher, and with
//! the lock held, everyone else too: other publishers, joins, and the slow
//! client's own leaving (its `Drop` waits for the lock, so if it leaves instead
//! of reading, nobody ever gets the lock again: a deadlock).
//! expect: fail publish_never_waits_for_a_slow_client "with the hub's lock held"

use std::collections::BTreeMap;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::task::{Context, Poll};

use futures::Stream;
use tokio::sync::mpsc;

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
    /// Lines it missed since it fell behind; 0 while it is live.
    missed: u64,
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
        clients.joined.insert(id, Client { queue, missed: 0 });
        Subscription {
            id,
            lines,
            room: Arc::downgrade(&self.room),
        }
    }

    /// Delivers `text` to every joined client except `from`. Never waits:
    /// a client whose queue is full misses the line (and is told later).
    // ANCHOR: mistake
    pub fn publish(&self, from: ClientId, text: String) {
        let mut clients = self.room.lock();
        for (&id, client) in clients.joined.iter_mut() {
            if id == from {
                continue;
            }
            let line = Delivery::Line {
                from,
                text: text.clone(),
            };
            // Wait for room, as the Backpressure chapter's fan-out does,
            // with the lock held.
            let _ = futures::executor::block_on(client.queue.send(line));
        }
    }
    // ANCHOR_END: mistake

    /// How many clients are joined.
    pub fn clients(&self) -> usize {
        self.room.lock().joined.len()
    }
}

/// One client's deliveries. Dropping it leaves the hub.
pub struct Subscription {
    id: ClientId,
    lines: mpsc::Receiver<Delivery>,
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
        // First the lines queued for us: they were sent before anything we
        // missed. On `Pending` the channel holds our waker: the next line
        // wakes us.
        if let Poll::Ready(Some(line)) = this.lines.poll_recv(cx) {
            return Poll::Ready(Some(line));
        }
        // Our queue is empty. If we fell behind, the notice is due now, not
        // with the next line: everything before it has been delivered.
        let Some(room) = this.room.upgrade() else {
            // Every `Hub` is gone, and with them the senders: what is left
            // in the queue, then the end.
            return this.lines.poll_recv(cx);
        };
        let mut clients = room.lock();
        if let Some(client) = clients.joined.get_mut(&this.id)
            && client.missed > 0
        {
            // A line queued between our `poll_recv` and the lock, just before
            // we fell behind, still comes first. Under the lock nothing more
            // can arrive: a client behind is sent nothing.
            if let Ok(line) = this.lines.try_recv() {
                return Poll::Ready(Some(line));
            }
            let missed = std::mem::take(&mut client.missed);
            return Poll::Ready(Some(Delivery::Missed(missed)));
        }
        // Not behind, nothing queued: wait. Falling behind takes a full
        // queue, and every line that fills it wakes us.
        Poll::Pending
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
