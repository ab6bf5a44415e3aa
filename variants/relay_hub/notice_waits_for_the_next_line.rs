//! Mistake: the notice and the line after it go into the queue together, once
//! there is room for both (`Sender::capacity() >= 2`), and the line is counted
//! until then. Never two notices in a row, and the count is exact; but the
//! notice waits for a next line, so a client that missed the end of a burst
//! is not told until someone speaks again; and in a queue of 1 there is never
//! room for two: a client that missed a line once never gets another.
//! expect: fail a_full_queue_keeps_the_oldest_lines_and_tells_at_once_how_many_it_missed "only with the next line"
//! expect: fail a_queue_of_one_works_too "never fits in a queue of 1"
//! expect: fail a_client_behind_skips_ahead_until_it_has_caught_up "queued while client 2 was behind"

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
    pub fn publish(&self, from: ClientId, text: String) {
        let mut clients = self.room.lock();
        for (&id, client) in clients.joined.iter_mut() {
            if id == from {
                continue;
            }
            // ANCHOR: mistake
            // A notice due goes in with the line, or neither does.
            let needed = if client.missed > 0 { 2 } else { 1 };
            if client.queue.capacity() < needed {
                client.missed += 1;
                continue;
            }
            // ANCHOR_END: mistake
            if client.missed > 0 {
                let missed = std::mem::take(&mut client.missed);
                let _ = client.queue.try_send(Delivery::Missed(missed));
            }
            let line = Delivery::Line {
                from,
                text: text.clone(),
            };
            // `try_send`, never `send().await`: one full queue must not hold
            // up the others (nor this lock, nor the publisher).
            // Only this lock's holder sends, so the room is still there.
            let _ = client.queue.try_send(line);
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
        // The notices come through the queue too.
        self.get_mut().lines.poll_recv(cx)
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
