//! Right, written differently: each connection as two halves, one reading
//! the client's lines (with the idle timer and the shutdown), the other
//! writing deliveries and replies, joined with `try_join!` in the
//! connection's one task (two tasks would outlive an abort of one). The
//! reader hands error lines and the goodbye to the writer through a small
//! channel.
//! expect: pass

use std::io;
use std::time::Duration;

use futures::{FutureExt, SinkExt, StreamExt};
use relay::codec::{Line, LineCodec};
use relay::hub::{ClientId, Delivery, Hub, Subscription};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::{JoinSet, unconstrained};
use tokio::time::{Instant, sleep, timeout};
use tokio_util::codec::{FramedRead, FramedWrite};
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

/// Serves clients on `listener` until `shutdown` is cancelled; then lets the
/// connections finish (at most `config.grace`) and returns.
pub async fn serve(listener: TcpListener, config: Config, shutdown: CancellationToken) {
    let hub = Hub::new(config.queue);
    // Every connection's task, owned here: at shutdown we wait for them,
    // and abort those that outstay the grace period.
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            // The shutdown first: clients that keep connecting must not hold
            // it off, nor be accepted once it has begun.
            biased;
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

/// What the reading half asks the writing half to write.
enum Reply {
    /// An error line for a bad line.
    Error(String),
    /// The last line: write what is queued, then this, then stop.
    Goodbye(&'static str),
}

/// Serves one client as two halves joined in one task: one reads the
/// client's lines, the other writes its deliveries and replies. (Not two
/// tasks: aborting the connection's task must stop both.)
async fn connection(
    socket: TcpStream,
    hub: Hub,
    config: Config,
    shutdown: CancellationToken,
) -> io::Result<()> {
    // ANCHOR: halves
    let deliveries = hub.join();
    let me = deliveries.id();
    let (reader, writer) = socket.into_split();
    let lines = FramedRead::new(reader, LineCodec::new(config.max_line));
    let mut out = FramedWrite::new(writer, LineCodec::new(config.max_line));
    within_idle(config, out.send(say::welcome(me))).await?;
    let (replies, to_write) = mpsc::channel(16);
    tokio::try_join!(
        read_half(lines, me, hub, replies, config, shutdown),
        write_half(out, deliveries, to_write, config),
    )?;
    // ANCHOR_END: halves
    Ok(())
}

async fn read_half(
    mut lines: FramedRead<OwnedReadHalf, LineCodec>,
    me: ClientId,
    hub: Hub,
    replies: mpsc::Sender<Reply>,
    config: Config,
    shutdown: CancellationToken,
) -> io::Result<()> {
    let idle = sleep(config.idle);
    tokio::pin!(idle);
    let goodbye = loop {
        tokio::select! {
            () = shutdown.cancelled() => break say::SHUTDOWN,
            () = &mut idle => break say::IDLE,
            line = lines.next() => {
                let Some(line) = line else { break say::GOODBYE };
                idle.as_mut().reset(Instant::now() + config.idle);
                match line? {
                    Line::Text(text) => hub.publish(me, text),
                    bad => {
                        let reply = bad.error_reply(config.max_line).unwrap_or_default();
                        // The writer is gone only if it failed: its error ends the join.
                        let _ = replies.send(Reply::Error(reply)).await;
                    }
                }
            }
        }
    };
    let _ = replies.send(Reply::Goodbye(goodbye)).await;
    Ok(())
}

async fn write_half(
    mut out: FramedWrite<OwnedWriteHalf, LineCodec>,
    mut deliveries: Subscription,
    mut replies: mpsc::Receiver<Reply>,
    config: Config,
) -> io::Result<()> {
    loop {
        tokio::select! {
            reply = replies.recv() => match reply {
                Some(Reply::Error(line)) => within_idle(config, out.send(line)).await?,
                Some(Reply::Goodbye(goodbye)) => {
                    return within_idle(config, async {
                        for _ in 0..=config.queue {
                            let next = unconstrained(deliveries.next()).now_or_never();
                            let Some(Some(delivery)) = next else { break };
                            out.feed(say::delivery(&delivery)).await?;
                        }
                        out.send(goodbye.to_owned()).await
                    })
                    .await;
                }
                None => return Ok(()),
            },
            Some(delivery) = deliveries.next() => {
                within_idle(config, out.send(say::delivery(&delivery))).await?;
            }
        }
    }
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
