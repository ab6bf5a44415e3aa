//! Mistake: every client's socket written by the sender's own connection.
//! The classic first chat server: the write halves of all sockets in one
//! shared map, and a client's line written to each of the others in turn,
//! right there. It works while everyone reads; a client that stops reading
//! fills its socket, the `write` to it waits, and so does the sender, and
//! the lock it holds, and with it every other connection. (No hub, no
//! queue per client, no `missed K lines`.)
//! expect: fail a_client_that_stops_reading_holds_up_no_one_and_is_told_what_it_missed "must not hold up the others"

use std::collections::BTreeMap;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use relay::codec::{Line, LineCodec};
use relay::hub::{ClientId, Delivery};
use tokio::net::TcpListener;
use tokio::net::tcp::OwnedWriteHalf;
use tokio::sync::Mutex;
use tokio::task::JoinSet;
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

type Writer = FramedWrite<OwnedWriteHalf, LineCodec>;

/// Every connected client's writing half.
#[derive(Clone, Default)]
struct Room {
    clients: Arc<Mutex<(ClientId, BTreeMap<ClientId, Writer>)>>,
}

pub async fn serve(listener: TcpListener, config: Config, shutdown: CancellationToken) {
    let room = Room::default();
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            () = shutdown.cancelled() => break,
            accepted = listener.accept() => if let Ok((socket, _)) = accepted {
                let (reader, writer) = socket.into_split();
                let mut writer = FramedWrite::new(writer, LineCodec::new(config.max_line));
                let id = {
                    let mut clients = room.clients.lock().await;
                    clients.0 += 1;
                    clients.0
                };
                if writer.send(say::welcome(id)).await.is_err() {
                    continue;
                }
                room.clients.lock().await.1.insert(id, writer);
                let reader = FramedRead::new(reader, LineCodec::new(config.max_line));
                connections.spawn(connection(id, reader, room.clone(), config, shutdown.clone()));
            },
            Some(_) = connections.join_next() => {}
        }
    }
    drop(listener);
    let all_finished = async { while connections.join_next().await.is_some() {} };
    if timeout(config.grace, all_finished).await.is_err() {
        connections.shutdown().await;
    }
}

async fn connection(
    me: ClientId,
    mut lines: FramedRead<tokio::net::tcp::OwnedReadHalf, LineCodec>,
    room: Room,
    config: Config,
    shutdown: CancellationToken,
) -> io::Result<()> {
    let idle = sleep(config.idle);
    tokio::pin!(idle);
    let goodbye = loop {
        tokio::select! {
            () = shutdown.cancelled() => break say::SHUTDOWN,
            () = &mut idle => break say::IDLE,
            // ANCHOR: mistake
            line = lines.next() => {
                let Some(line) = line else { break say::GOODBYE };
                idle.as_mut().reset(Instant::now() + config.idle);
                let mut clients = room.clients.lock().await;
                match line? {
                    Line::Text(text) => {
                        let delivery = say::delivery(&Delivery::Line { from: me, text });
                        // To each of the others, in turn, right here.
                        for (&id, writer) in clients.1.iter_mut() {
                            if id != me {
                                let _ = writer.send(delivery.clone()).await;
                            }
                        }
                    }
                    bad => {
                        if let Some(writer) = clients.1.get_mut(&me) {
                            let reply = bad.error_reply(config.max_line).unwrap_or_default();
                            writer.send(reply).await?;
                        }
                    }
                }
            }
            // ANCHOR_END: mistake
        }
    };
    let writer = room.clients.lock().await.1.remove(&me);
    if let Some(mut writer) = writer {
        within_idle(config, writer.send(goodbye.to_owned())).await?;
    }
    Ok(())
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
