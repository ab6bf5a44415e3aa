//! Mistake: the queue drained at shutdown with `now_or_never` alone. It
//! looks right, and works for a short queue; but tokio gives each turn of a
//! task a budget of 128 operations, and once it is spent a receiver says
//! `Pending` although lines wait in it. `now_or_never` takes that `Pending`
//! for "empty": the rest is lost. (`tokio::task::unconstrained` lifts the
//! budget for one future.)
//! expect: fail shutdown_stops_accepting_delivers_what_is_queued_and_says_goodbye "lost at shutdown"
//! expect: named with forgets_the_queue_at_shutdown

use std::io;
use std::time::Duration;

use futures::{FutureExt, SinkExt, StreamExt};
use relay::codec::{Line, LineCodec};
use relay::hub::{ClientId, Delivery, Hub, Subscription};
use tokio::net::{TcpListener, TcpStream};
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

// ANCHOR: serve
/// Serves clients on `listener` until `shutdown` is cancelled; then lets the
/// connections finish (at most `config.grace`) and returns.
pub async fn serve(listener: TcpListener, config: Config, shutdown: CancellationToken) {
    let hub = Hub::new(config.queue);
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
    hub: Hub,
    config: Config,
    shutdown: CancellationToken,
) -> io::Result<()> {
    let mut deliveries = hub.join();
    let me = deliveries.id();
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
            Some(delivery) = deliveries.next() => {
                write_deliveries(&mut lines, delivery, &mut deliveries, config).await?;
            }
        }
    };
    // Whatever is queued for the client was published before its goodbye:
    // it gets that first. At most a queue's worth and a notice (others may
    // still be publishing); `unconstrained`, so that tokio's budget (128
    // operations per turn of a task, after which a receiver says `Pending`)
    // does not cut it short.
    // ANCHOR: mistake
    within_idle(config, async {
        for _ in 0..=config.queue {
            let Some(Some(delivery)) = deliveries.next().now_or_never() else {
                break;
            };
            lines.feed(say::delivery(&delivery)).await?;
        }
        lines.send(goodbye.to_owned()).await
    })
    .await
    // ANCHOR_END: mistake
    // Dropping `lines` closes the socket; dropping `deliveries` leaves the hub.
}
// ANCHOR_END: connection

// ANCHOR: write
/// Writes `first` and every delivery already waiting after it, then flushes
/// once: one `write` system call for a burst of lines, not one per line.
async fn write_deliveries(
    lines: &mut Lines,
    first: Delivery,
    deliveries: &mut Subscription,
    config: Config,
) -> io::Result<()> {
    within_idle(config, async {
        lines.feed(say::delivery(&first)).await?;
        // `now_or_never`: only what is already queued. (tokio's budget ends
        // a long burst: after 128 lines, `next` says `Pending` for a while.)
        while let Some(Some(delivery)) = deliveries.next().now_or_never() {
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
