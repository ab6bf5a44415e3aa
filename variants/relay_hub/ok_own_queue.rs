//! Another right answer: no channel at all. Each client's queue is a
//! `VecDeque` in the hub's map, next to its count and the waker of its last
//! `Pending`, all under the hub's one lock: `publish` pushes and wakes,
//! `poll_next` pops, or takes the count, or stores its waker. It is the
//! channel written by hand (the Wakers chapter's `Shared`, one per client),
//! and it makes the policy plain: the notice is due when the queue is empty.
//! expect: pass

use std::collections::{BTreeMap, VecDeque};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::task::{Context, Poll, Waker};

use futures::Stream;

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
    queue: usize,
    clients: Mutex<Clients>,
}

struct Clients {
    next_id: ClientId,
    joined: BTreeMap<ClientId, Client>,
}

#[derive(Default)]
struct Client {
    lines: VecDeque<Delivery>,
    missed: u64,
    /// The waker of the subscription's last `Pending`, if any.
    waker: Option<Waker>,
}

impl Room {
    fn lock(&self) -> MutexGuard<'_, Clients> {
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
        let mut clients = self.room.lock();
        let id = clients.next_id;
        clients.next_id += 1;
        clients.joined.insert(id, Client::default());
        Subscription {
            id,
            room: Arc::downgrade(&self.room),
        }
    }

    // ANCHOR: publish
    /// Delivers `text` to every joined client except `from`. Never waits:
    /// a client whose queue is full misses the line (and is told later).
    pub fn publish(&self, from: ClientId, text: String) {
        let mut wake = Vec::new();
        {
            let mut clients = self.room.lock();
            for (&id, client) in clients.joined.iter_mut() {
                if id == from {
                    continue;
                }
                if client.missed > 0 || client.lines.len() == self.room.queue {
                    client.missed += 1;
                } else {
                    let text = text.clone();
                    client.lines.push_back(Delivery::Line { from, text });
                    wake.extend(client.waker.take());
                }
            }
        }
        // Woken outside the lock: a waker may run code that takes it.
        wake.into_iter().for_each(Waker::wake);
    }
    // ANCHOR_END: publish

    /// How many clients are joined.
    pub fn clients(&self) -> usize {
        self.room.lock().joined.len()
    }
}

/// One client's deliveries. Dropping it leaves the hub.
pub struct Subscription {
    id: ClientId,
    room: Weak<Room>,
}

impl Subscription {
    /// This client's id.
    pub fn id(&self) -> ClientId {
        self.id
    }
}

// ANCHOR: poll_next
impl Stream for Subscription {
    type Item = Delivery;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Delivery>> {
        let Some(room) = self.room.upgrade() else {
            return Poll::Ready(None);
        };
        let mut clients = room.lock();
        let Some(client) = clients.joined.get_mut(&self.id) else {
            return Poll::Ready(None);
        };
        if let Some(line) = client.lines.pop_front() {
            return Poll::Ready(Some(line));
        }
        if client.missed > 0 {
            return Poll::Ready(Some(Delivery::Missed(std::mem::take(&mut client.missed))));
        }
        // Under the same lock as `publish`: no line can slip in between the
        // look and the waker.
        client.waker = Some(cx.waker().clone());
        Poll::Pending
    }
}
// ANCHOR_END: poll_next

impl Drop for Subscription {
    fn drop(&mut self) {
        if let Some(room) = self.room.upgrade() {
            room.lock().joined.remove(&self.id);
        }
    }
}
