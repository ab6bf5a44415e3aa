//! Mistake: an unbounded queue per client, in a room of one's own instead
//! of the hub. Publishing never waits and no line is ever missed, so it
//! looks ideal, until a client stops reading: then the server keeps every
//! line sent since for that client, for as long as it stays connected, and
//! memory grows without limit (one stalled client can take the process
//! down). Nor does the client ever learn it fell behind.
//! expect: fail a_client_that_stops_reading_holds_up_no_one_and_is_told_what_it_missed "unbounded queue"

use std::io;
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use relay::codec::{Line, LineCodec};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use relay::hub::{ClientId, Delivery};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::task::JoinSet;
use tokio::time::{Instant, sleep, timeout};
use tokio_util::codec::Framed;
use tokio_util::sync::CancellationToken;

/// The server's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// The longest line a client may send, in bytes (without its `\n`).
    pub max_line: usize,
    /// How many deliveries wait for a client before it misses lines.
    pub queue: usize,
    /// A client that sends nothing for this long is said goodbye to. A
    /// client that takes this long to take one write from us is dropped.
    pub idle: Duration,
    /// At shutdown, how long connections have to finish before they are
    /// aborted.
    pub grace: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_line: 1024,
            queue: 64,
            idle: Duration::from_secs(300),
            grace: Duration::from_secs(5),
        }
    }
}

/// What the server says. Given: the lines are part of the protocol, not of
/// the exercise (the suite reads them).
pub mod say {
    use super::{ClientId, Delivery};

    /// The first line a client gets.
    pub fn welcome(id: ClientId) -> String {
        format!("welcome, you are client {id}")
    }

    /// A delivery from the hub, as a line: `3: hello` or `missed 12 lines`.
    pub fn delivery(delivery: &Delivery) -> String {
        match delivery {
            Delivery::Line { from, text } => format!("{from}: {text}"),
            Delivery::Missed(count) => format!("missed {count} lines"),
        }
    }

    /// The last line to a client that closed its side.
    pub const GOODBYE: &str = "goodbye";
    /// The last line to a client that was silent for `idle`.
    pub const IDLE: &str = "goodbye: you were idle for too long";
    /// The last line to every client when the server shuts down.
    pub const SHUTDOWN: &str = "goodbye: the server is shutting down";
}

// ANCHOR: mistake
/// Every client's queue: unbounded, so that publishing never waits and
/// nothing is ever missed.
#[derive(Clone, Default)]
struct Room {
    clients: Arc<Mutex<(ClientId, BTreeMap<ClientId, UnboundedSender<Delivery>>)>>,
}

impl Room {
    fn join(&self) -> (ClientId, UnboundedReceiver<Delivery>) {
        let (queue, deliveries) = unbounded_channel();
        let mut clients = self.clients.lock().unwrap();
        clients.0 += 1;
        let id = clients.0;
        clients.1.insert(id, queue);
        (id, deliveries)
    }

    fn publish(&self, from: ClientId, text: String) {
        for (&id, queue) in &self.clients.lock().unwrap().1 {
            if id != from {
                let _ = queue.send(Delivery::Line {
                    from,
                    text: text.clone(),
                });
            }
        }
    }
    // ANCHOR_END: mistake

    fn leave(&self, id: ClientId) {
        self.clients.lock().unwrap().1.remove(&id);
    }
}

// ANCHOR: serve
/// Serves clients on `listener` until `shutdown` is cancelled; then lets the
/// connections finish (at most `config.grace`) and returns.
pub async fn serve(listener: TcpListener, config: Config, shutdown: CancellationToken) {
    let hub = Room::default();
    // Every connection's task, owned here: at shutdown we wait for them,
    // and abort those that outstay the grace period.
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            () = shutdown.cancelled() => break,
            accepted = listener.accept() => match accepted {
                Ok((socket, _)) => {
                    let _ = socket.set_nodelay(true);
                    let connection = connection(socket, hub.clone(), config, shutdown.clone());
                    connections.spawn(connection);
                }
                // A failed accept is one client's problem (it gave up before
                // we took it), or the process is out of file descriptors:
                // never a reason to stop serving the others. Pause a little
                // so the second kind does not become a busy loop.
                Err(_) => sleep(Duration::from_millis(10)).await,
            },
            // Collect finished connections as we go, so that the set does not
            // grow with every client ever served. A connection's error (or
            // even its panic) ends that connection and nothing else: the
            // `JoinSet` holds it, and here it is dropped.
            Some(_finished) = connections.join_next() => {}
        }
    }
    // Stop accepting: new clients are refused from now on.
    drop(listener);
    let all_finished = async { while connections.join_next().await.is_some() {} };
    if timeout(config.grace, all_finished).await.is_err() {
        // Those left are stuck writing to clients that do not read.
        connections.shutdown().await;
    }
}
// ANCHOR_END: serve

/// One client's lines, both ways.
type Lines = Framed<TcpStream, LineCodec>;

// ANCHOR: connection
/// Serves one client, from its welcome to its goodbye.
async fn connection(
    socket: TcpStream,
    hub: Room,
    config: Config,
    shutdown: CancellationToken,
) -> io::Result<()> {
    let (me, mut deliveries) = hub.join();
    let mut lines = Framed::new(socket, LineCodec::new(config.max_line));
    send(&mut lines, say::welcome(me), config).await?;

    let idle = sleep(config.idle);
    tokio::pin!(idle);
    let goodbye = loop {
        // Every branch is cancel safe: a `Framed`'s stream keeps what it has
        // read in its buffer, a subscription keeps its queue, and the sleep
        // is pinned out here, not made anew each time round.
        tokio::select! {
            () = shutdown.cancelled() => break say::SHUTDOWN,
            () = &mut idle => break say::IDLE,
            line = lines.next() => {
                let Some(line) = line else {
                    // The client closed its side (after its last line, if
                    // it did not end with a `\n`).
                    break say::GOODBYE;
                };
                idle.as_mut().reset(Instant::now() + config.idle);
                match line? {
                    Line::Text(text) => hub.publish(me, text),
                    bad => {
                        let reply = bad.error_reply(config.max_line).unwrap_or_default();
                        send(&mut lines, reply, config).await?;
                    }
                }
            }
            Some(delivery) = deliveries.recv() => {
                write_deliveries(&mut lines, delivery, &mut deliveries, config).await?;
            }
        }
    };
    // Whatever is queued for the client was published before its goodbye:
    // it gets that first.
    let written = within_idle(config, async {
        loop {
            let Ok(delivery) = deliveries.try_recv() else {
                break;
            };
            lines.feed(say::delivery(&delivery)).await?;
        }
        lines.send(goodbye.to_owned()).await
    })
    .await;
    hub.leave(me);
    written
    // Dropping `lines` closes the socket; dropping `deliveries` leaves the hub.
}
// ANCHOR_END: connection

// ANCHOR: write
/// Writes `first` and every delivery already waiting after it, then flushes
/// once: one `write` system call for a burst of lines, not one per line.
async fn write_deliveries(
    lines: &mut Lines,
    first: Delivery,
    deliveries: &mut UnboundedReceiver<Delivery>,
    config: Config,
) -> io::Result<()> {
    within_idle(config, async {
        lines.feed(say::delivery(&first)).await?;
        // `now_or_never`: only what is already queued. (tokio's budget ends
        // a long burst: after 128 lines, `next` says `Pending` for a while.)
        while let Ok(delivery) = deliveries.try_recv() {
            lines.feed(say::delivery(&delivery)).await?;
        }
        lines.flush().await
    })
    .await
}

/// Writes one line, at once.
async fn send(lines: &mut Lines, line: String, config: Config) -> io::Result<()> {
    within_idle(config, lines.send(line)).await
}

/// Runs a write, but gives up on a client that has taken nothing we wrote for
/// `idle`: a client that neither reads nor closes must not keep its task (and
/// its socket) forever. It misses lines meanwhile, as the hub says.
async fn within_idle(
    config: Config,
    write: impl Future<Output = io::Result<()>>,
) -> io::Result<()> {
    match timeout(config.idle, write).await {
        Ok(written) => written,
        Err(_) => Err(io::Error::new(
            io::ErrorKind::TimedOut,
            "the client took nothing we wrote for the whole idle time",
        )),
    }
}
// ANCHOR_END: write
