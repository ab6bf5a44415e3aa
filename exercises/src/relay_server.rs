//! `relay_server`: the capstone's server. It listens on a TCP socket, gives
//! every connection a task of its own, and relays every line a client sends
//! to every other client, through the hub of stage 2 and the codec of
//! stage 1 (given, as `relay::hub` and `relay::codec`: the reference ones,
//! so this stage does not depend on yours).
//!
//! Book: "The server: accept, relay, say goodbye" (in the Capstone part).
//! Test: `cargo test --test relay_server`. Try it for real:
//! `cargo run --example relay -- 127.0.0.1:7878`, then `nc 127.0.0.1 7878`
//! in two more terminals.
//!
//! What a connection does: it says `welcome, you are client N`; publishes
//! every good line the client sends (to everyone else, as `N: text`);
//! answers a bad line with its error line; writes what the hub delivers
//! for it; says goodbye and closes when the client closes its side, when
//! the client has sent nothing for `idle`, or when the server shuts down.
//! A connection never waits for another one, and one client's error ends
//! only its own connection.
//!
//! Shutdown (`shutdown` is cancelled): stop accepting; every connection
//! writes what is already queued for it, says goodbye and closes; after
//! `grace`, abort the connections still running; then `serve` returns.
//!
//! `Config`, the `say` module and `within_idle` are given. Write `serve`
//! and `connection` (add helpers as you like; keep `serve`'s signature).

use std::io;
use std::time::Duration;

use futures::{FutureExt, SinkExt, StreamExt};
use relay::codec::{Line, LineCodec};
use relay::hub::{ClientId, Delivery, Hub};
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

/// Serves clients on `listener` until `shutdown` is cancelled; then lets the
/// connections finish (at most `config.grace`) and returns.
pub async fn serve(listener: TcpListener, config: Config, shutdown: CancellationToken) {
    todo!(
        "accept in a loop, each connection spawned into a `JoinSet`, until `shutdown`; then wait at most `grace`, and abort the rest"
    )
}

/// Serves one client, from its welcome to its goodbye.
async fn connection(
    socket: TcpStream,
    hub: Hub,
    config: Config,
    shutdown: CancellationToken,
) -> io::Result<()> {
    todo!(
        "join the hub, `Framed` with a `LineCodec`, welcome; then one `select!` loop: shutdown, idle, a line from the client, a delivery for it"
    )
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
