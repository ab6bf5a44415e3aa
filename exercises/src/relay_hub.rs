//! `relay_hub`: the capstone's hub. Every line a client publishes goes to
//! every other client, through a bounded queue per client; a client whose
//! queue is full misses lines, and is told how many.
//!
//! Book: "The hub: one line to many" (in the Capstone part). Test: `cargo test --test relay_hub`.
//!
//! The policy, in short: `publish` never waits. A line that finds a client's
//! queue full is counted, not queued, and the client is *behind*: every
//! further line for it is counted too, until it has taken the lines already
//! in its queue; then its stream yields one `Missed(n)` with the exact count,
//! and lines are queued for it again. A client never gets its own lines.
//!
//! The private parts below are a suggestion (one lock around a map of
//! clients, an `mpsc` channel per client): change them as you like, but keep
//! the public items as they are.

use std::collections::BTreeMap;
use std::pin::Pin;
use std::sync::{Arc, Mutex, Weak};
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

/// The room: shared by every clone of a `Hub`.
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
    queue: mpsc::Sender<Delivery>,
    missed: u64,
}

/// The hub: cheap to clone, every clone the same room. `Send + Sync`.
#[derive(Clone)]
pub struct Hub {
    room: Arc<Room>,
}

impl Hub {
    /// A hub whose clients each have a queue of `queue` deliveries (>= 1).
    pub fn new(queue: usize) -> Self {
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
        todo!("a new id, a bounded channel of `queue`, the sender in the map")
    }

    /// Delivers `text` to every joined client except `from`. Never waits:
    /// a client whose queue is full misses the line (and is told later).
    pub fn publish(&self, from: ClientId, text: String) {
        todo!("for every other client: count it if behind, else `try_send`")
    }

    /// How many clients are joined.
    pub fn clients(&self) -> usize {
        todo!("the size of the map")
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
        todo!("the queued lines first; once the queue is empty, the notice if one is due")
    }
}

// Dropping a `Subscription` must leave the hub at once: that is an
// `impl Drop for Subscription` for you to write.
