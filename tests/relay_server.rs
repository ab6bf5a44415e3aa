//! Hidden suite for `relay_server`: the capstone's server, tested from the
//! outside, as its users see it: over real TCP connections on 127.0.0.1
//! (port 0, so the system picks a free port; nothing leaves the machine).
//!
//! Contract: `serve(listener, config, shutdown)` serves clients on
//! `listener` until `shutdown` is cancelled. Each client is greeted with
//! `welcome, you are client N` (N from the hub: 1, 2, 3, … in order of
//! connecting). Every good line a client sends reaches every other
//! connected client as `N: text`, in the order sent, and never its sender.
//! A bad line (longer than `max_line`, or not UTF-8) gets its error line
//! back (`relay::codec::Line::error_reply`) and the connection stays up. A
//! client that does not read holds up no one: it misses lines, and is told
//! `missed K lines` (the hub's policy, with a queue of `queue`). A client
//! that closes its side gets `goodbye` and the end of the connection; one
//! that sends nothing for `idle` gets `goodbye: you were idle for too long`
//! and the end. One client's error (a reset, a vanished peer) ends only its
//! own connection. At shutdown the server stops accepting; every client
//! gets what was queued for it, then `goodbye: the server is shutting
//! down`, then the end; connections still running after `grace` are
//! aborted; then `serve` returns.
//!
//! Every wait in these tests has a limit and a message that names the step
//! that did not complete. Time here is the real clock (the paused clock and
//! real sockets do not mix: it would jump ahead while a line is still on
//! its way through the kernel), so the idle and grace tests use short
//! durations (a few hundred milliseconds); every other test sets them far
//! out of reach.

// The code under test, compiled into this suite: your `exercises/src/relay_server.rs`,
// or the reference solution with `cargo test --features solutions`.
#[cfg_attr(not(feature = "solutions"), path = "../exercises/src/relay_server.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/src/relay_server.rs")]
mod relay_server;

use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::pin;
use std::time::Duration;

use futures::StreamExt;
use futures::future::{self, Either};
use relay_server::{Config, say, serve};
use tokio::io::AsyncWriteExt;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::task::JoinHandle;
use tokio::time::{Instant, timeout, timeout_at};
use tokio_util::codec::{FramedRead, LinesCodec};
use tokio_util::sync::CancellationToken;

/// How long one step may take (a line to arrive, a connection to open or
/// end): everything here happens within milliseconds on 127.0.0.1.
const STEP: Duration = Duration::from_secs(1);

/// How long a whole test may take, if a step's own limit does not catch it.
const TEST: Duration = Duration::from_secs(20);

/// Far out of reach: the idle time and grace of the tests that are not
/// about them.
const NEVER: Duration = Duration::from_secs(3600);

const HANG: &str = "the test never finished, although each of its steps has a limit: \
    something blocks a runtime thread (a blocking call in `serve` or a connection: \
    `std::thread::sleep`, a std lock held while waiting, `block_on`)";

/// A config for tests not about time: no client is ever idle, and the
/// grace period is never reached.
fn config(queue: usize) -> Config {
    Config {
        max_line: 1024,
        queue,
        idle: NEVER,
        grace: NEVER,
    }
}

/// Runs a test's story: a server, clients, on a fresh runtime.
fn story<F: Future<Output = ()> + 'static>(make: impl FnOnce() -> F + Send + 'static) {
    support::sockets(TEST, HANG, make)
}

/// Fails the test: `serve`'s task ended with `ended` (`when` says when),
/// although `shutdown` was never cancelled.
fn server_ended(ended: Result<(), tokio::task::JoinError>, when: &str) -> ! {
    match ended {
        Ok(()) => panic!(
            "the server stopped ({when}): `serve` returned although `shutdown` was \
             never cancelled. It serves until then: a connection's error (a client \
             that reset its connection, or vanished) ends that connection, never the \
             accept loop (`?` or `return` on a connection's result, or on a failed \
             `accept`?)"
        ),
        Err(error) if error.is_panic() => {
            let payload = support::unless_todo(error.into_panic());
            panic!(
                "the server panicked ({when}): {:?}. One client's trouble must end only \
                 its own connection: an `unwrap()` or `expect()` on a read, a write or a \
                 task's result takes the whole server down",
                support::panic_message(payload.as_ref())
            )
        }
        Err(error) => panic!("the server's task ended ({when}): {error}"),
    }
}

/// The server under test, running `serve` as a task.
struct Server {
    address: SocketAddr,
    shutdown: CancellationToken,
    task: Option<JoinHandle<()>>,
    grace: Duration,
    max_line: usize,
}

impl Server {
    async fn start(config: Config) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("the suite could not listen on 127.0.0.1");
        let address = listener.local_addr().unwrap();
        let shutdown = CancellationToken::new();
        let task = tokio::spawn(serve(listener, config, shutdown.clone()));
        Server {
            address,
            shutdown,
            task: Some(task),
            grace: config.grace,
            max_line: config.max_line,
        }
    }

    /// Fails the test if `serve` has returned or panicked, saying when.
    async fn assert_serving(&mut self, when: &str) {
        let task = self.task.as_mut().expect("the server is running");
        if !task.is_finished() {
            return;
        }
        let ended = self.task.take().unwrap().await;
        server_ended(ended, when);
    }

    /// Opens a connection and reads its welcome; returns the client.
    async fn connect(&mut self, who: &str) -> Client {
        self.connect_with(who, None).await
    }

    /// Like `connect`, but with a receive buffer of 4 KiB: the server soon
    /// has nowhere to put what it writes to this client, unless it reads.
    async fn connect_small(&mut self, who: &str) -> Client {
        self.connect_with(who, Some(4096)).await
    }

    async fn connect_with(&mut self, who: &str, receive_buffer: Option<u32>) -> Client {
        let socket = TcpSocket::new_v4().unwrap();
        if let Some(size) = receive_buffer {
            socket.set_recv_buffer_size(size).unwrap();
        }
        let socket = match timeout(STEP, socket.connect(self.address)).await {
            Ok(Ok(socket)) => socket,
            outcome => {
                self.assert_serving(&format!("before {who} connected"))
                    .await;
                panic!("{who} could not connect to the server: {outcome:?}")
            }
        };
        self.welcome(socket, who).await
    }

    async fn welcome(&mut self, socket: TcpStream, who: &str) -> Client {
        let (reader, writer) = socket.into_split();
        let mut client = Client {
            who: who.to_owned(),
            id: 0,
            reader: FramedRead::new(reader, LinesCodec::new_with_max_length(64 * 1024)),
            writer,
        };
        // A server that ends while the client waits (against the stub it
        // panics at once) is reported as soon as it does, not after a step.
        let task = self.task.as_mut().expect("the server is running");
        let first_line = pin!(timeout(STEP, client.reader.next()));
        let outcome = match future::select(first_line, task).await {
            Either::Left((outcome, _)) => outcome,
            Either::Right((ended, _)) => {
                self.task = None;
                server_ended(ended, &format!("when {who} connected"))
            }
        };
        let welcome = match outcome {
            Ok(Some(Ok(line))) => line,
            outcome => {
                self.assert_serving(&format!("when {who} connected")).await;
                panic!(
                    "{who} connected and waited {STEP:?} for its first line, `welcome, you \
                     are client N`; it got {}. Each connection is greeted as soon as it is \
                     accepted (`say::welcome(id)`, with the id of its subscription)",
                    show_read(&outcome)
                )
            }
        };
        client.id = welcome
            .strip_prefix("welcome, you are client ")
            .and_then(|id| id.parse().ok())
            .unwrap_or_else(|| {
                panic!(
                    "{who}'s first line was {welcome:?}; expected `welcome, you are client \
                     N` (`say::welcome(id)`)"
                )
            });
        client
    }

    /// Cancels `shutdown`, and waits for `serve` to return: at most the
    /// grace period and a step.
    async fn shut_down(&mut self) {
        self.shutdown.cancel();
        let task = self.task.take().expect("the server is running");
        let limit = self.grace.min(Duration::from_secs(5)) + STEP;
        match timeout(limit, task).await {
            Ok(Ok(())) => {}
            Ok(Err(error)) if error.is_panic() => {
                let payload = support::unless_todo(error.into_panic());
                panic!(
                    "the server panicked while shutting down: {:?}",
                    support::panic_message(payload.as_ref())
                )
            }
            Ok(Err(error)) => panic!("the server's task ended while shutting down: {error}"),
            Err(_) => panic!(
                "`shutdown` was cancelled, and `serve` had not returned {limit:?} later (the \
                 grace period was {:?}). Stop accepting, let the connections finish, and \
                 abort those still running after `grace` (`JoinSet::shutdown`, or `abort` \
                 on each): a connection stuck writing to a client that does not read never \
                 finishes by itself",
                self.grace
            ),
        }
    }
}

fn show_read(
    outcome: &Result<Option<Result<String, impl std::fmt::Debug>>, impl std::fmt::Debug>,
) -> String {
    match outcome {
        Ok(Some(Ok(line))) => format!("the line {line:?}"),
        Ok(Some(Err(error))) => format!("a read error ({error:?})"),
        Ok(None) => "the end of the connection (the server closed it)".to_owned(),
        Err(_) => "nothing".to_owned(),
    }
}

/// A client of the server under test.
struct Client {
    who: String,
    /// Its id, from its welcome.
    id: u64,
    reader: FramedRead<OwnedReadHalf, LinesCodec>,
    writer: OwnedWriteHalf,
}

impl Client {
    async fn send(&mut self, line: &str) {
        self.send_bytes(format!("{line}\n").as_bytes()).await;
    }

    async fn send_bytes(&mut self, bytes: &[u8]) {
        let who = &self.who;
        match timeout(STEP, self.writer.write_all(bytes)).await {
            Ok(Ok(())) => {}
            Ok(Err(error)) => panic!(
                "{who} could not send {} bytes: {error}. Did the server close the \
                 connection?",
                bytes.len()
            ),
            Err(_) => panic!(
                "{who} could not send {} bytes within {STEP:?}: the server does not read \
                 from this client. Is its connection stuck (writing to it, or waiting for \
                 someone else)?",
                bytes.len()
            ),
        }
    }

    /// The next line from the server; `expected` says what, for the message.
    async fn line(&mut self, expected: &str) -> String {
        let outcome = timeout(STEP, self.reader.next()).await;
        match outcome {
            Ok(Some(Ok(line))) => line,
            outcome => panic!(
                "{} waited {STEP:?} for {expected}, and got {}",
                self.who,
                show_read(&outcome)
            ),
        }
    }

    /// Expects exactly `line` next.
    async fn expect(&mut self, line: &str, why: &str) {
        let got = self.line(&format!("{line:?}")).await;
        assert!(
            got == line,
            "{} expected {line:?} next, and got {got:?}. {why}",
            self.who
        );
    }

    /// Expects the server to close the connection next.
    async fn expect_end(&mut self, why: &str) {
        let outcome = timeout(STEP, self.reader.next()).await;
        match outcome {
            Ok(None) | Ok(Some(Err(_))) => {}
            outcome => panic!(
                "{} expected the end of the connection, and got {}. {why}",
                self.who,
                show_read(&outcome)
            ),
        }
    }
}

/// A delivered line, as a client reads it: `N: text`.
fn from(client: &Client, text: &str) -> String {
    format!("{}: {text}", client.id)
}

#[test]
fn greets_each_client_with_its_number() {
    story(|| async {
        let mut server = Server::start(config(16)).await;
        let first = server.connect("the first client").await;
        let second = server.connect("the second client").await;
        assert_eq!(
            (first.id, second.id),
            (1, 2),
            "the first two clients were greeted as clients {} and {}: the number is the \
             id of the connection's subscription, `hub.join().id()`, and ids count from 1 \
             in order of joining",
            first.id,
            second.id
        );
    });
}

#[test]
fn a_line_reaches_every_other_client_and_not_its_sender() {
    story(|| async {
        let mut server = Server::start(config(16)).await;
        let mut ann = server.connect("Ann").await;
        let mut bob = server.connect("Bob").await;
        let mut cat = server.connect("Cat").await;
        ann.send("hello, everyone").await;
        let hello = from(&ann, "hello, everyone");
        let why = "Every good line a client sends is published to the hub, which \
            delivers it to every other client; the connection writes each delivery as \
            `say::delivery(&delivery)`.";
        bob.expect(&hello, why).await;
        cat.expect(&hello, why).await;
        bob.send("hi, Ann").await;
        ann.expect(
            &from(&bob, "hi, Ann"),
            "Ann's own line must not come back to her (`publish(me, text)`, with this \
             connection's id), and Bob's must reach her.",
        )
        .await;
        cat.expect(&from(&bob, "hi, Ann"), why).await;
    });
}

/// Clients and lines in the load test: 100 clients, each sending 1,000
/// lines, with `ASYNCLINGS_FULL_LOAD` set (`cargo verify` sets it against
/// the solutions): about 10 million deliveries, 20 seconds in a debug
/// build. Otherwise 100 clients of 10 lines, so that a learner's run stays
/// quick: the same story, a hundredth of the lines.
fn load() -> (usize, usize) {
    match std::env::var_os("ASYNCLINGS_FULL_LOAD") {
        Some(_) => (100, 1000),
        None => (100, 10),
    }
}

#[test]
fn under_load_every_line_reaches_every_other_client_in_order() {
    let (clients, lines) = load();
    support::sockets(Duration::from_secs(120), HANG, move || async move {
        // A queue long enough for every line: nothing may be missed here.
        let mut server = Server::start(config(clients * lines)).await;
        let mut connected = Vec::new();
        for k in 0..clients {
            connected.push(server.connect(&format!("client {}", k + 1)).await);
        }
        let mut writers = Vec::new();
        let mut readers = Vec::new();
        for client in connected {
            let Client {
                who,
                id,
                reader,
                mut writer,
            } = client;
            // Each client writes its lines (in one task) while it reads
            // everyone else's (in another): a client that only wrote would
            // soon stop the server from writing to it. The writing halves are
            // kept until the end: closing one would say goodbye to its client.
            writers.push(tokio::spawn(async move {
                let all: String = (1..=lines)
                    .map(|n| format!("line {n} from {id}\n"))
                    .collect();
                writer.write_all(all.as_bytes()).await.unwrap();
                writer
            }));
            readers.push(tokio::spawn(read_everyone(
                who,
                id,
                reader,
                clients - 1,
                lines,
            )));
        }
        let limit = Duration::from_secs(60);
        let Ok(read) = timeout(limit, futures::future::join_all(readers)).await else {
            server.assert_serving("under load").await;
            panic!(
                "{clients} clients each sent {lines} lines, and after {limit:?} some had \
                 not yet received all {} lines of the others: the server is stuck, or very \
                 slow. Is a connection waiting for another (a lock held across a write)?",
                (clients - 1) * lines
            );
        };
        for outcome in read {
            if let Err(error) = outcome {
                std::panic::resume_unwind(error.into_panic());
            }
        }
        drop(writers);
    });
}

/// Reads until it has every other client's `lines` lines, checking that
/// each sender's lines come in order and that none is missing.
async fn read_everyone(
    who: String,
    me: u64,
    mut reader: FramedRead<OwnedReadHalf, LinesCodec>,
    others: usize,
    lines: usize,
) {
    let mut next: HashMap<u64, usize> = HashMap::new();
    let mut received = 0;
    while received < others * lines {
        let line = match reader.next().await {
            Some(Ok(line)) => line,
            outcome => panic!(
                "{who} had received {received} of the {} lines the others sent, then \
                 {outcome:?}",
                others * lines
            ),
        };
        assert!(
            !line.starts_with("missed"),
            "{who} was told {line:?}, with a queue long enough for every line of the test \
             ({} deliveries): pass `config.queue` to `Hub::new`, and write each client's \
             deliveries as they come",
            others * lines + 1
        );
        let (sender, text) = line
            .split_once(": ")
            .unwrap_or_else(|| panic!("{who} got {line:?}, not a line `N: text`"));
        let sender: u64 = sender
            .parse()
            .unwrap_or_else(|_| panic!("{who} got {line:?}"));
        assert!(
            sender != me,
            "{who} got its own line back: {line:?}. Publish with this connection's id."
        );
        let expected = next.entry(sender).or_insert(1);
        assert!(
            text == format!("line {expected} from {sender}"),
            "{who} expected line {expected} from client {sender} next, and got {line:?}: \
             each sender's lines must arrive in the order sent, none lost or doubled",
        );
        *expected += 1;
        received += 1;
    }
}

/// `count` lines of `size` bytes (with their `\n`), numbered from 1:
/// `000001 xxxx…`.
fn numbered_lines(count: usize, size: usize) -> String {
    (1..=count)
        .map(|n| format!("{n:06} {}\n", "x".repeat(size - 8)))
        .collect()
}

/// The number of a line from `numbered_lines`, as a client reads it.
fn number(line: &str, who: &str) -> usize {
    line.split_once(": ")
        .and_then(|(_, text)| text.get(..6))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{who} got {line:?}: not a numbered line `N: 000123 xxx…`"))
}

#[test]
fn a_client_that_stops_reading_holds_up_no_one_and_is_told_what_it_missed() {
    // 5 MB: more than the kernel keeps in flight for one socket (4 MiB
    // at most, and the slow client reads into 4 KiB), so whatever does not
    // fit must wait in the hub's queue of 16, or be missed.
    const LINES: usize = 640;
    const SIZE: usize = 8000;
    story(|| async {
        let mut server = Server::start(Config {
            max_line: 10_000,
            ..config(16)
        })
        .await;
        let mut ann = server.connect("Ann").await;
        let mut bob = server.connect("Bob").await;
        let mut cat = server.connect_small("Cat, who stops reading,").await;
        let ann_id = ann.id;
        let all = numbered_lines(LINES, SIZE);
        // Ann sends her lines ten at a time, and sends the next ten once Bob
        // has them: Bob, who reads, is never more than ten lines behind, so
        // he never misses one; while Cat reads nothing.
        for (round, ten) in all.as_bytes().chunks(10 * SIZE).enumerate() {
            ann.send_bytes(ten).await;
            for n in round * 10 + 1..=round * 10 + 10 {
                let line = timeout(STEP, bob.reader.next()).await;
                let Ok(Some(Ok(line))) = line else {
                    server.assert_serving("while Cat did not read").await;
                    panic!(
                        "Ann sent lines of {SIZE} bytes while Cat read nothing; Bob had read \
                         {} of them, then waited {STEP:?} for the next and got {}. A client \
                         that does not read must not hold up the others: each connection \
                         writes in its own task, the hub's `publish` never waits, and \
                         nothing holds a lock shared by all connections while it writes \
                         to a socket",
                        n - 1,
                        show_read(&line)
                    )
                };
                assert!(
                    !line.starts_with("missed"),
                    "Bob reads at once, and is never more than ten lines behind (with a \
                     queue of 16), but he was told {line:?}"
                );
                assert_eq!(
                    number(&line, "Bob"),
                    n,
                    "Bob got {line:?} as line {n} from Ann: lines arrive in the order sent"
                );
            }
        }
        // Now Cat reads: the lines it kept, in order, and notices for the rest.
        let (mut expected, mut notices) = (1, 0);
        while expected <= LINES {
            let line = cat
                .line(&format!(
                    "Ann's line {expected} or a `missed K lines` notice (it was behind)"
                ))
                .await;
            if let Some(count) = line
                .strip_prefix("missed ")
                .and_then(|rest| rest.strip_suffix(" lines"))
            {
                let count: usize = count.parse().unwrap();
                notices += 1;
                expected += count;
                continue;
            }
            let n = number(&line, "Cat");
            assert!(
                n == expected,
                "Cat expected Ann's line {expected} (having counted the lines it was told \
                 it missed), and got line {n}. Lines come in the order sent, and each \
                 `missed K lines` says exactly how many were skipped: write each delivery \
                 of the subscription, as it comes"
            );
            assert!(line.starts_with(&format!("{ann_id}: ")));
            expected += 1;
        }
        assert!(
            notices > 0,
            "Cat read nothing while Ann sent {LINES} lines of {SIZE} bytes (5 MB, more than \
             the sockets between them can hold), then got every one of them and no \
             `missed K lines`: the server kept everything for Cat. With a queue of 16, \
             Cat's lines wait in the hub's bounded queue and what does not fit is counted, \
             not kept: an unbounded queue of your own (or a `Vec`) grows without limit \
             with every client that stops reading"
        );
    });
}

#[test]
fn a_bad_line_gets_an_error_back_and_the_connection_stays_up() {
    story(|| async {
        let mut server = Server::start(config(16)).await;
        let mut ann = server.connect("Ann").await;
        let mut bob = server.connect("Bob").await;
        ann.send(&"y".repeat(2000)).await;
        ann.expect(
            "error: line too long (at most 1024 bytes)",
            "A line longer than `max_line` gets its error line back (`error_reply`), and the \
             connection goes on.",
        )
        .await;
        ann.send_bytes(b"caf\xe9\n").await;
        ann.expect(
            "error: not valid UTF-8",
            "A line that is not UTF-8 gets its error line back, and the connection goes on.",
        )
        .await;
        ann.send("still here").await;
        bob.expect(
            &from(&ann, "still here"),
            "Ann sent an over-long line, a Latin-1 line and \"still here\": only the good \
             line is relayed, and the connection that sent the bad ones still works.",
        )
        .await;
    });
}

#[test]
fn a_client_that_closes_its_side_gets_its_last_line_relayed_and_a_goodbye() {
    story(|| async {
        let mut server = Server::start(config(16)).await;
        let mut ann = server.connect("Ann").await;
        let mut bob = server.connect("Bob").await;
        // Half-close: "last words" without its `\n`, then the end of Ann's
        // writing side. She can still read.
        ann.send_bytes(b"last words").await;
        ann.writer.shutdown().await.unwrap();
        bob.expect(
            &from(&ann, "last words"),
            "A line cut short by the end of the client's input is still a line (the codec's \
             `decode_eof`): relay it.",
        )
        .await;
        ann.expect(
            say::GOODBYE,
            "A client that closes its side is told `say::GOODBYE` (it can still read), and \
             then the connection ends.",
        )
        .await;
        ann.expect_end("After the goodbye, close the connection (drop the socket).")
            .await;
        server.assert_serving("after Ann closed her side").await;
        let mut cat = server.connect("Cat").await;
        bob.send("welcome, Cat").await;
        cat.expect(
            &from(&bob, "welcome, Cat"),
            "After a client left, the others go on.",
        )
        .await;
    });
}

#[test]
fn a_client_that_resets_mid_line_or_vanishes_at_once_disturbs_no_one() {
    story(|| async {
        let mut server = Server::start(config(16)).await;
        let mut ann = server.connect("Ann").await;
        let mut bob = server.connect("Bob").await;
        // Dan sends half a line and resets the connection (an RST, as when a
        // program is killed): the server's next read fails.
        let dan = TcpStream::connect(server.address).await.unwrap();
        let mut reader = FramedRead::new(dan, LinesCodec::new());
        let welcome = timeout(STEP, reader.next()).await;
        assert!(
            matches!(welcome, Ok(Some(Ok(_)))),
            "Dan was not welcomed: {}",
            show_read(&welcome)
        );
        let mut dan = reader.into_inner();
        dan.write_all(b"half a li").await.unwrap();
        dan.set_zero_linger().unwrap();
        drop(dan);
        // Others connect and vanish at once, some with a reset.
        for k in 0..20 {
            let Ok(quick) = TcpStream::connect(server.address).await else {
                server
                    .assert_serving("after a client reset its connection")
                    .await;
                panic!("the server refused a new connection");
            };
            if k % 2 == 0 {
                quick.set_zero_linger().unwrap();
            }
        }
        ann.send("anyone there?").await;
        bob.expect(
            &from(&ann, "anyone there?"),
            "A client reset its connection in the middle of a line, and 20 more connected \
             and vanished at once: each of those ends its own connection, and nothing else.",
        )
        .await;
        server
            .assert_serving("after a client reset its connection mid-line")
            .await;
        let mut eve = server.connect("Eve, who came after them,").await;
        bob.send("hi, Eve").await;
        eve.expect(&from(&bob, "hi, Eve"), "The server goes on serving.")
            .await;
    });
}

#[test]
fn thousands_of_clients_that_connect_and_close_leave_the_server_serving() {
    const CYCLES: usize = 2000;
    // A few hundred milliseconds here; this is for a busy machine.
    const CYCLING: Duration = Duration::from_secs(3);
    story(|| async {
        let mut server = Server::start(config(16)).await;
        let mut ann = server.connect("Ann").await;
        // Eight at a time, each connecting, taking its welcome (so that the
        // server has accepted it: the system's queue of connections not yet
        // accepted never overflows) and leaving at once, in one of four
        // ways: a close, a reset, half a line and a reset, an over-long line
        // (whose error reply finds no one) and a reset.
        let address = server.address;
        let cycles: Vec<_> = (0..8)
            .map(|lane| {
                tokio::spawn(async move {
                    for k in (lane..CYCLES).step_by(8) {
                        let Ok(socket) = TcpStream::connect(address).await else {
                            // The server is gone: the check below says why.
                            return;
                        };
                        let (reader, writer) = socket.into_split();
                        let mut reader = FramedRead::new(reader, LinesCodec::new());
                        if !matches!(timeout(STEP, reader.next()).await, Ok(Some(Ok(_)))) {
                            return;
                        }
                        let socket = reader.into_inner().reunite(writer).unwrap();
                        match k % 4 {
                            0 => {}
                            1 => socket.set_zero_linger().unwrap(),
                            2 => {
                                let mut socket = socket;
                                let _ = socket.write_all(b"hello and").await;
                                socket.set_zero_linger().unwrap();
                            }
                            _ => {
                                let mut socket = socket;
                                let _ = socket.write_all(&[b'z'; 2000]).await;
                                let _ = socket.write_all(b"\n").await;
                                socket.set_zero_linger().unwrap();
                            }
                        }
                    }
                })
            })
            .collect();
        let started = Instant::now();
        for cycle in cycles {
            if timeout_at(started + CYCLING, cycle).await.is_err() {
                server
                    .assert_serving("during 2,000 connect-and-close cycles")
                    .await;
                panic!(
                    "2,000 clients connected and closed, eight at a time, and after \
                     {CYCLING:?} they were not done: the server accepts too slowly. Does the accept \
                     loop wait for each connection to end before taking the next?"
                );
            }
        }
        server
            .assert_serving("after 2,000 clients connected and closed")
            .await;
        let mut bob = server.connect("Bob, after 2,000 others,").await;
        assert_eq!(
            bob.id,
            2 + CYCLES as u64,
            "Bob connected after Ann and 2,000 others, and was greeted as client {}: every \
             accepted connection joins the hub (and gets a welcome), however soon it \
             closes",
            bob.id
        );
        ann.send("still serving").await;
        bob.expect(
            &from(&ann, "still serving"),
            "After 2,000 clients came and went, the server still relays lines.",
        )
        .await;
    });
}

#[test]
fn a_silent_client_is_said_goodbye_to_after_the_idle_time_and_a_talking_one_is_not() {
    const IDLE: Duration = Duration::from_millis(200);
    story(|| async {
        let mut server = Server::start(Config {
            idle: IDLE,
            ..config(64)
        })
        .await;
        let connected = Instant::now();
        let mut sam = server.connect("Sam, who says nothing,").await;
        let cal = server.connect("Cal, who talks,").await;
        let Client {
            who,
            reader: mut cal_reader,
            writer: mut cal_writer,
            ..
        } = cal;
        // Cal listens all along: his first line, and when it came.
        let listening = tokio::spawn(async move {
            let first = timeout(Duration::from_secs(5), cal_reader.next()).await;
            (first, Instant::now(), cal_reader)
        });
        // Cal sends a line every 50 ms for a second: he is never idle.
        let talking = tokio::spawn(async move {
            let mut last_sent = Instant::now();
            for n in 1..=20 {
                last_sent = Instant::now();
                let line = format!("still here {n}\n");
                // Should the server hang up on him, he stops (the checks
                // below say why).
                if cal_writer.write_all(line.as_bytes()).await.is_err() {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            (last_sent, cal_writer)
        });
        // Sam gets Cal's lines, then his goodbye.
        let mut heard = 0;
        loop {
            let line = sam.line("Cal's lines, then a goodbye").await;
            if line.starts_with("goodbye") {
                assert_eq!(
                    line,
                    say::IDLE,
                    "Sam was said goodbye to with the wrong line"
                );
                break;
            }
            heard += 1;
        }
        let after = connected.elapsed();
        assert!(
            after >= IDLE,
            "Sam was said goodbye to {after:?} after he connected; the idle time is \
             {IDLE:?}: no client is idle before it has been silent that long"
        );
        assert!(
            heard < 20,
            "Sam (who sends nothing) heard all 20 of Cal's lines, one every 50 ms for a \
             second, before he was said goodbye to, with an idle time of {IDLE:?}: what \
             Sam *receives* kept him alive. The idle time counts from the client's last \
             line *sent*: reset the timer only when a line comes from the client (one \
             `sleep`, pinned before the loop and `reset` there; not a new `sleep` made \
             each time round the loop, which every delivery starts over)"
        );
        sam.expect_end("After the goodbye, close the connection.")
            .await;
        let (last_sent, _cal_writer) = talking.await.unwrap();
        let (first, arrived, mut cal_reader) = listening.await.unwrap();
        let Ok(Some(Ok(first))) = first else {
            panic!(
                "{who} sent a line every 50 ms for a second, then nothing, and 4 s later he \
                 had been told nothing (the idle time is {IDLE:?}): expected {:?}. Start \
                 the idle timer when the connection starts, and end the loop when it \
                 fires",
                say::IDLE
            )
        };
        assert!(
            first == say::IDLE,
            "{who} sent a line every 50 ms for a second, then nothing; expected {:?} (the \
             idle time is {IDLE:?}), and got {first:?}",
            say::IDLE
        );
        let silent = arrived.saturating_duration_since(last_sent);
        assert!(
            silent >= IDLE,
            "{who} was said goodbye to {silent:?} after his last line, while he was still \
             talking (a line every 50 ms, with an idle time of {IDLE:?}): the idle timer \
             must start over with every line the client sends \
             (`idle.as_mut().reset(Instant::now() + config.idle)`), not run from the \
             connection's start"
        );
        let end = timeout(STEP, cal_reader.next()).await;
        assert!(
            matches!(end, Ok(None) | Ok(Some(Err(_)))),
            "After the goodbye, close the connection: {who} got {}",
            show_read(&end)
        );
    });
}

/// Lines in the shutdown tests, of `BACKLOG_SIZE` bytes: 6 MB, more than
/// the kernel keeps in flight for Cat (4 MiB at most, and Cat reads into
/// 4 KiB). Short lines: many of them fit in one write, so a drain at
/// shutdown cut short by tokio's budget shows.
const BACKLOG: usize = 6000;
const BACKLOG_SIZE: usize = 1000;

/// Connects Ann, Bob and Cat (who does not read); Ann sends `BACKLOG`
/// lines of 1000 bytes, and Bob reads them all: then every one of them has
/// been published, and what did not fit in Cat's socket waits in Cat's
/// queue (long enough for all: `backlog_config()`).
async fn backlog(server: &mut Server) -> (Client, Client, Client) {
    assert!(server.max_line >= BACKLOG_SIZE);
    let ann = server.connect("Ann").await;
    let mut bob = server.connect("Bob").await;
    let cat = server.connect_small("Cat, who has not read yet,").await;
    let sending = tokio::spawn(async move {
        let mut ann = ann;
        ann.send_bytes(numbered_lines(BACKLOG, BACKLOG_SIZE).as_bytes())
            .await;
        ann
    });
    for n in 1..=BACKLOG {
        let line = bob.line(&format!("Ann's line {n} of {BACKLOG}")).await;
        assert_eq!(number(&line, "Bob"), n, "Bob got {line:?} as line {n}");
    }
    let ann = sending
        .await
        .unwrap_or_else(|error| std::panic::resume_unwind(error.into_panic()));
    (ann, bob, cat)
}

/// A queue long enough for all of the backlog.
fn backlog_config() -> Config {
    config(10_000)
}

#[test]
fn shutdown_stops_accepting_delivers_what_is_queued_and_says_goodbye() {
    story(|| async {
        let mut server = Server::start(backlog_config()).await;
        let (mut ann, mut bob, mut cat) = backlog(&mut server).await;
        server.shutdown.cancel();
        for client in [&mut ann, &mut bob] {
            client
                .expect(
                    say::SHUTDOWN,
                    "When the server shuts down, every client is told so (after what is \
                     queued for it).",
                )
                .await;
            client
                .expect_end("After the goodbye, the server closes the connection.")
                .await;
        }
        // The server has seen the shutdown: it takes no one new. (A client
        // that connected just as it began may have been accepted; it must
        // then be said goodbye to at once. Ten tries, 10 ms apart: by then
        // the server has left its accept loop.)
        let mut greeted = Vec::new();
        for _ in 0..10 {
            let Ok(Ok(late)) = timeout(STEP, TcpStream::connect(server.address)).await else {
                break;
            };
            let mut late = FramedRead::new(late, LinesCodec::new());
            let Ok(Some(Ok(welcome))) = timeout(STEP, late.next()).await else {
                break;
            };
            let next = timeout(STEP, late.next()).await;
            assert!(
                matches!(&next, Ok(Some(Ok(line))) if line == say::SHUTDOWN),
                "a client that connected after the shutdown began was greeted ({welcome:?}), \
                 and then got {} instead of {:?}: once the shutdown has begun, every \
                 connection says goodbye",
                show_read(&next),
                say::SHUTDOWN
            );
            greeted.push(welcome);
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert!(
            greeted.len() < 10,
            "the shutdown had begun (Ann and Bob had been said goodbye to), and the server \
             still accepted and greeted each of 10 new clients, 10 ms apart: at shutdown, \
             the server stops accepting (leave the accept loop at once and drop the \
             listener; `biased;` puts the shutdown branch first)"
        );
        // Cat reads now: everything Ann sent, then the goodbye.
        let reading = async {
            for n in 1..=BACKLOG {
                let line = cat
                    .line(&format!(
                        "Ann's line {n} of {BACKLOG}: all of them were published before \
                         the shutdown"
                    ))
                    .await;
                assert!(
                    !line.starts_with("goodbye"),
                    "Cat got {line:?} after {} of Ann's {BACKLOG} lines, although all of \
                     them had been published (Bob had them) and Cat's queue holds 10,000: \
                     the lines still queued for Cat were lost at shutdown. Before the \
                     goodbye, write what is already queued (take from the subscription \
                     what is ready without waiting: `now_or_never`, in \
                     `tokio::task::unconstrained` so that tokio's budget does not stop it \
                     after 128)",
                    n - 1
                );
                assert_eq!(number(&line, "Cat"), n, "Cat got {line:?} as line {n}");
            }
            cat.expect(say::SHUTDOWN, "After what was queued, the goodbye.")
                .await;
            cat.expect_end("After the goodbye, the server closes the connection.")
                .await;
        };
        let ((), ()) = tokio::join!(reading, server.shut_down());
    });
}

#[test]
fn shutdown_aborts_a_connection_that_outstays_the_grace_period() {
    const GRACE: Duration = Duration::from_millis(300);
    story(|| async {
        let mut server = Server::start(Config {
            grace: GRACE,
            ..backlog_config()
        })
        .await;
        let (mut ann, mut bob, mut cat) = backlog(&mut server).await;
        let began = Instant::now();
        // Cat never reads during the shutdown: its connection cannot finish.
        server.shut_down().await;
        let took = began.elapsed();
        for client in [&mut ann, &mut bob] {
            client
                .expect(say::SHUTDOWN, "Clients that read are said goodbye to.")
                .await;
            client
                .expect_end("After the goodbye, the server closes the connection.")
                .await;
        }
        assert!(
            took >= GRACE,
            "`serve` returned {took:?} after the shutdown began, while Cat's connection \
             still had lines to write, and the grace period is {GRACE:?}: give \
             connections that long to finish before aborting them"
        );
        // Cat's connection was aborted: after what reached Cat's socket, the
        // end (no goodbye: it was never written).
        let deadline = Instant::now() + STEP;
        loop {
            match timeout(STEP, cat.reader.next()).await {
                Ok(None) | Ok(Some(Err(_))) => break,
                Ok(Some(Ok(_))) if Instant::now() < deadline => {}
                _ => panic!(
                    "`serve` returned, but Cat's connection was still open {STEP:?} later: \
                     a connection left running after `serve` returns (spawned with \
                     `tokio::spawn` and never aborted?). Keep the connections' tasks in a \
                     `JoinSet`, and abort those still running after the grace period"
                ),
            }
        }
    });
}
