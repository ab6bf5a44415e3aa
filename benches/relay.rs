//! The relay server under load: `solutions::relay_server::serve`, the
//! capstone's reference server, on 127.0.0.1 (port 0), with 1, 10, 100 and
//! 1,000 clients.
//!
//! The load: **one publisher and N listening clients** (N = 1, 10, 100,
//! 1,000; N + 1 connections in all). The publisher sends lines of 64 bytes;
//! the server delivers each to the N listeners (every client but its
//! sender), so every point delivers lines, even N = 1, and a line sent is N
//! lines delivered. The listeners never send. The publisher writes its lines
//! in windows of [`WINDOW`] lines (one `write` per window) and keeps at most
//! two windows in flight: window k is sent once every listener has read
//! window k - 2. No more lines are ever in flight than a client's queue in
//! the server holds (`Config::default().queue`, 64), so no listener misses a
//! line, and each point measures what the server delivers, not what it drops
//! (a `missed` line stops the benchmark). The server's `Config` is the
//! default but for `idle` (an hour: the listeners are silent on purpose).
//!
//! The server and the load generator share one process and one tokio
//! runtime of 2 workers (`multi_thread`), on this 2-core machine: the figures
//! are the cost of both sides, the clients' reads and parsing included, and
//! the server never has a core to itself.
//!
//! Two servers, measured in the same run: the reference, which writes a
//! burst of deliveries with `feed`s and one flush (one `write` system call
//! for the burst), and `variants/relay_server/ok_send_each_line.rs`, the
//! same server but for one function: it writes each delivery with `send`
//! (one `write` per line). Both set `TCP_NODELAY` on every connection.
//!
//! Three measurements:
//!
//! - `relay/throughput/N` and `relay/throughput, send per line/N`
//!   (criterion): lines delivered per second, N listeners, the windows
//!   above. Criterion's throughput is lines *delivered* (lines sent × N) per
//!   iteration.
//! - Latency (after criterion's groups), the reference only: one line in flight at a
//!   time (the publisher waits until every listener has it), so it is the
//!   fan-out's latency, not queueing. Each line carries the time it was
//!   written (nanoseconds on the process's monotonic clock); each listener
//!   records the time from that write to its own read of the line. p50 and
//!   p99 over every (line, listener) pair.
//! - Memory per client (before criterion's groups, in a process that has not
//!   grown yet): N idle clients (plain blocking sockets that have read their
//!   welcome) connected to a fresh server, and how much the process grew:
//!   its resident set (`VmRSS`, Linux only; kernel socket buffers are not in
//!   it) and its heap (bytes asked of the allocator, counted by this
//!   binary's global allocator while the pass runs), divided by N.
//!
//! Latency and memory are written to `<criterion's folder>/relay/load.json`
//! (`$CRITERION_HOME`, else `$CARGO_TARGET_DIR/criterion`, else
//! `target/criterion`), a point per client count: `clients`, `p50_ns`,
//! `p99_ns`, `samples`, `rss_per_client` and `heap_per_client` (bytes;
//! `rss_per_client` is `null` where there is no `/proc`). They run unless a filter is given
//! that is not part of the name `relay/load`; in criterion's test mode
//! (`--test`) they run tiny and write nothing.
//!
//! 1,000 listeners take about 2,000 file descriptors (both ends of each
//! connection are in this process): the benchmark checks the limit
//! (`ulimit -n`) first and stops with a message if it is too low.
//!
//! Run: `cargo bench-all --bench relay` (about a minute and a half on 2
//! cores); then
//! `cargo run -- bench-report`. `ASYNCLINGS_RELAY_BENCH=quick` shortens every
//! pass, for a check that is not a measurement.

use std::alloc::{GlobalAlloc, Layout, System};
use std::fmt::Write as _;
use std::io::Read as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicIsize, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput};
use solutions::relay_server::{Config, serve};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, BufWriter};
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::{Builder, Runtime};
use tokio::sync::Notify;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// The client counts: listeners, besides the one publisher.
const CLIENTS: [usize; 4] = [1, 10, 100, 1000];

/// Lines per window of the throughput pass. Two windows in flight are the
/// server's default queue per client (64 lines): no listener misses a line.
const WINDOW: u64 = 32;

/// Bytes of text in each line the publisher sends (without its `\n`).
const LINE: usize = 64;

/// How long the publisher waits for a window before it gives up.
const STUCK: Duration = Duration::from_secs(30);

// Flags in each line: the last line of its window; a line whose latency the
// listeners record; the line after which the listeners hand in what they
// recorded.
const LAST: u8 = 1;
const RECORD: u8 = 2;
const REPORT: u8 = 4;

/// Lines the publisher sends per criterion iteration: about 16 to 128
/// thousand lines delivered, a few to a few tens of milliseconds.
fn lines_per_iteration(clients: usize) -> u64 {
    match clients {
        1 => 16_384,
        10 => 3_200,
        100 => 640,
        _ => 128,
    }
}

/// Lines recorded in the latency pass (after a tenth as many unrecorded, to
/// warm up): a few thousand to 200 thousand samples.
fn latency_lines(clients: usize, pass: Pass) -> u64 {
    let lines = match clients {
        1 => 5_000,
        10 => 2_000,
        100 => 1_000,
        _ => 200,
    };
    match pass {
        Pass::Full => lines,
        Pass::Quick => lines / 5,
        Pass::Tiny => 10,
    }
}

// ---------------------------------------------------------------------------
// The heap, counted while the memory pass runs.

/// The system allocator (Rust's default), which also counts the bytes live
/// while `COUNTING` is set.
struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(false);
static LIVE: AtomicIsize = AtomicIsize::new(0);

fn count(bytes: isize) {
    if COUNTING.load(Ordering::Relaxed) {
        LIVE.fetch_add(bytes, Ordering::Relaxed);
    }
}

// SAFETY: every call is passed on to `System` unchanged; the counting only
// adds to an atomic.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            count(layout.size() as isize);
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            count(layout.size() as isize);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract, passed on.
        unsafe { System.dealloc(ptr, layout) };
        count(-(layout.size() as isize));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            count(new_size as isize - layout.size() as isize);
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The process's resident set, in bytes (`VmRSS`; Linux only).
fn rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Stops with a message if `clients` connections (two descriptors each, both
/// ends being in this process) would not fit under the open-file limit.
/// Linux only: elsewhere a failed connect says it.
fn check_fd_limit(clients: usize) {
    let Ok(limits) = std::fs::read_to_string("/proc/self/limits") else {
        return;
    };
    let soft = limits
        .lines()
        .find(|line| line.starts_with("Max open files"))
        .and_then(|line| line.split_whitespace().nth(3))
        .and_then(|soft| soft.parse::<usize>().ok());
    // The runtime, the listener, criterion's files: a margin.
    let needed = 2 * clients + 64;
    if let Some(soft) = soft {
        assert!(
            soft >= needed,
            "the relay benchmark needs about {needed} open files for {clients} connections \
             (both ends are in this process), but the limit is {soft}: \
             raise it (`ulimit -n {needed}`) and run again"
        );
    }
}

// ---------------------------------------------------------------------------
// The server, and the clients of the throughput and latency passes.

fn runtime() -> Runtime {
    Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

fn config() -> Config {
    Config {
        // The listeners are silent on purpose.
        idle: Duration::from_secs(3600),
        ..Config::default()
    }
}

/// Nanoseconds since the first call, on the monotonic clock every task of
/// this process shares.
fn now_ns() -> u64 {
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_nanos() as u64
}

/// The same server but for how it writes its deliveries.
#[path = "../variants/relay_server/ok_send_each_line.rs"]
mod send_each_line;

/// Which server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `solutions::relay_server`: a burst of `feed`s, one flush.
    Reference,
    /// `ok_send_each_line`: a `send` (and so a flush) per delivery.
    SendEachLine,
}

impl Kind {
    /// The name of its criterion benchmark.
    fn benchmark(self) -> &'static str {
        match self {
            Kind::Reference => "throughput",
            Kind::SendEachLine => "throughput, send per line",
        }
    }

    /// Runs this server on `listener` until `shutdown`.
    fn spawn(
        self,
        rt: &Runtime,
        listener: TcpListener,
        shutdown: CancellationToken,
    ) -> JoinHandle<()> {
        match self {
            Kind::Reference => rt.spawn(serve(listener, config(), shutdown)),
            Kind::SendEachLine => {
                let config = send_each_line::Config {
                    idle: config().idle,
                    ..send_each_line::Config::default()
                };
                rt.spawn(send_each_line::serve(listener, config, shutdown))
            }
        }
    }
}

/// A running server.
struct Server {
    addr: SocketAddr,
    shutdown: CancellationToken,
    task: JoinHandle<()>,
}

impl Server {
    fn start(rt: &Runtime, kind: Kind) -> Server {
        let listener = rt
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .expect("listening on 127.0.0.1");
        let addr = listener.local_addr().expect("the listener's address");
        let shutdown = CancellationToken::new();
        let task = kind.spawn(rt, listener, shutdown.clone());
        Server {
            addr,
            shutdown,
            task,
        }
    }

    /// Shuts the server down and waits until `serve` has returned.
    fn stop(self, rt: &Runtime) {
        self.shutdown.cancel();
        rt.block_on(self.task).expect("the server's task");
    }
}

/// What the listeners tell the publisher.
#[derive(Default)]
struct Progress {
    /// For window k, at `k % 4`: how many listeners have read its last line.
    /// At most 2 windows are in flight, and the publisher resets a slot
    /// before its next use.
    done: [AtomicUsize; 4],
    /// Wakes the publisher when a window is complete (or a listener failed).
    complete: Notify,
    failure: Mutex<Option<String>>,
    /// The latencies the listeners handed in, in nanoseconds.
    samples: Mutex<Vec<u64>>,
}

impl Progress {
    fn fail(&self, why: String) {
        self.failure.lock().unwrap().get_or_insert(why);
        self.complete.notify_one();
    }

    /// Waits until all `listeners` have read window `window`.
    async fn wait(&self, window: u64, listeners: usize) {
        let slot = &self.done[(window % 4) as usize];
        loop {
            if let Some(why) = self.failure.lock().unwrap().as_ref() {
                panic!("relay benchmark: {why}");
            }
            if slot.load(Ordering::Acquire) == listeners {
                slot.store(0, Ordering::Relaxed);
                return;
            }
            if tokio::time::timeout(STUCK, self.complete.notified())
                .await
                .is_err()
            {
                let got = slot.load(Ordering::Acquire);
                panic!(
                    "relay benchmark: only {got} of {listeners} listeners read window {window} \
                     within {STUCK:?}"
                );
            }
        }
    }
}

/// One listening client: reads its lines until the server closes, and tells
/// `progress` each time it has read the last line of a window.
async fn listen(mut reader: BufReader<TcpStream>, progress: Arc<Progress>, listeners: usize) {
    let mut line = Vec::with_capacity(2 * LINE);
    let mut samples = Vec::new();
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line).await {
            Ok(0) => return,
            Ok(_) => {}
            Err(error) => return progress.fail(format!("a listener could not read: {error}")),
        }
        if line.starts_with(b"missed") {
            return progress.fail(format!(
                "a listener was sent `{}`: more lines were in flight than its queue holds",
                String::from_utf8_lossy(&line).trim_end()
            ));
        }
        let Some((window, flags, sent)) = parse(&line) else {
            continue;
        };
        // The clock only for the lines recorded: the throughput pass reads
        // it only in the publisher, once per line sent.
        if flags & RECORD != 0 {
            let sent = number(sent).unwrap_or(u64::MAX);
            samples.push(now_ns().saturating_sub(sent));
        }
        if flags & REPORT != 0 {
            progress.samples.lock().unwrap().append(&mut samples);
        }
        if flags & LAST != 0 {
            let slot = &progress.done[(window % 4) as usize];
            if slot.fetch_add(1, Ordering::AcqRel) + 1 == listeners {
                progress.complete.notify_one();
            }
        }
    }
}

/// `<from>: <window> <flags> <sent> xxx…`, as the server delivers the
/// publisher's lines, is `(window, flags, sent)`, `sent` still in digits
/// (only the lines recorded need it); any other line (the welcome, a
/// goodbye) is `None`. On bytes, and cheap: every listener parses every
/// line, and the listeners share the server's two cores.
fn parse(line: &[u8]) -> Option<(u64, u8, &[u8])> {
    let colon = line.iter().position(|&byte| byte == b':')?;
    let mut fields = line[colon + 1..]
        .split(|&byte| byte == b' ')
        .filter(|field| !field.is_empty());
    let window = number(fields.next()?)?;
    let flags = u8::try_from(number(fields.next()?)?).ok()?;
    let sent = fields.next()?;
    Some((window, flags, sent))
}

fn number(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0_u64, |n, &digit| {
        let digit = digit.is_ascii_digit().then(|| u64::from(digit - b'0'))?;
        n.checked_mul(10)?.checked_add(digit)
    })
}

/// Reads up to the first `\n`: the welcome.
async fn welcome(reader: &mut BufReader<TcpStream>) {
    let mut line = Vec::new();
    let read = tokio::time::timeout(STUCK, reader.read_until(b'\n', &mut line)).await;
    match read {
        Ok(Ok(n)) if n > 0 && line.starts_with(b"welcome") => {}
        Ok(Ok(_)) => panic!(
            "relay benchmark: expected a welcome, got {:?}",
            String::from_utf8_lossy(&line)
        ),
        Ok(Err(error)) => panic!("relay benchmark: reading the welcome: {error}"),
        Err(_) => panic!(
            "relay benchmark: no welcome within {STUCK:?} (is the process out of file \
             descriptors? see `ulimit -n`)"
        ),
    }
}

async fn connect(addr: SocketAddr) -> BufReader<TcpStream> {
    let stream = TcpStream::connect(addr).await.unwrap_or_else(|error| {
        panic!("relay benchmark: connecting to {addr}: {error} (see `ulimit -n`)")
    });
    let mut reader = BufReader::new(stream);
    welcome(&mut reader).await;
    reader
}

/// A server, its publisher and its listeners, connected and welcomed.
struct Rig {
    server: Server,
    publisher: Option<BufWriter<TcpStream>>,
    listeners: Vec<JoinHandle<()>>,
    progress: Arc<Progress>,
    /// The next window's number.
    window: u64,
}

impl Rig {
    fn start(rt: &Runtime, clients: usize, kind: Kind) -> Rig {
        check_fd_limit(clients + 1);
        let server = Server::start(rt, kind);
        let progress = Arc::new(Progress::default());
        let addr = server.addr;
        let (publisher, listeners) = rt.block_on(async {
            let publisher = connect(addr).await.into_inner();
            // The publisher's windows leave at once: no waiting for the
            // listeners' acknowledgements (Nagle) on our side.
            publisher.set_nodelay(true).expect("TCP_NODELAY");
            let mut listeners = Vec::with_capacity(clients);
            // One at a time: each has joined the hub once it is welcomed.
            for _ in 0..clients {
                let reader = connect(addr).await;
                listeners.push(tokio::spawn(listen(reader, progress.clone(), clients)));
            }
            (BufWriter::new(publisher), listeners)
        });
        Rig {
            server,
            publisher: Some(publisher),
            listeners,
            progress,
            window: 0,
        }
    }

    /// Sends `windows` windows of `lines` lines each, at most `in_flight`
    /// windows ahead of the slowest listener, and waits until every listener
    /// has read them all. Returns the time from the first write to the last
    /// listener's read.
    fn publish(
        &mut self,
        rt: &Runtime,
        windows: u64,
        lines: u64,
        in_flight: u64,
        flags: u8,
    ) -> Duration {
        assert!(
            (1..=2).contains(&in_flight),
            "the ring of windows holds 2 in flight"
        );
        let mut out = self.publisher.take().expect("the publisher");
        let progress = self.progress.clone();
        let listeners = self.listeners.len();
        let first = self.window;
        self.window += windows;
        let task = async move {
            let start = Instant::now();
            let mut text = String::with_capacity(LINE + 1);
            for window in first..first + windows {
                if window >= first + in_flight {
                    progress.wait(window - in_flight, listeners).await;
                }
                for line in 0..lines {
                    let mut flags = flags;
                    if line + 1 == lines {
                        flags |= LAST;
                    } else {
                        flags &= !REPORT;
                    }
                    text.clear();
                    let _ = write!(text, "{window} {flags} {} ", now_ns());
                    while text.len() < LINE {
                        text.push('x');
                    }
                    text.push('\n');
                    out.write_all(text.as_bytes())
                        .await
                        .expect("the publisher's write");
                }
                out.flush().await.expect("the publisher's write");
            }
            let pending = windows.min(in_flight);
            for window in first + windows - pending..first + windows {
                progress.wait(window, listeners).await;
            }
            (out, start.elapsed())
        };
        // On a worker, as the server's tasks and the listeners are; not on
        // this thread, a third one on two cores.
        let (out, elapsed) = rt.block_on(rt.spawn(task)).expect("the publisher's task");
        self.publisher = Some(out);
        elapsed
    }

    /// Closes every connection, shuts the server down, and waits for all.
    fn stop(mut self, rt: &Runtime) {
        drop(self.publisher.take());
        self.server.stop(rt);
        rt.block_on(async {
            for listener in self.listeners.drain(..) {
                listener.await.expect("a listener's task");
            }
        });
    }
}

// ---------------------------------------------------------------------------
// The three passes.

fn throughput(c: &mut Criterion, rt: &Runtime) {
    let mut group = c.benchmark_group("relay");
    // Iterations of milliseconds: the same count in every sample.
    group.sampling_mode(SamplingMode::Flat);
    for kind in [Kind::Reference, Kind::SendEachLine] {
        for clients in CLIENTS {
            let lines = lines_per_iteration(clients);
            group.throughput(Throughput::Elements(lines * clients as u64));
            // Connected once, on the first call (not at all if a filter
            // skips this point), and used by every iteration.
            let mut rig: Option<Rig> = None;
            let id = BenchmarkId::new(kind.benchmark(), clients);
            group.bench_with_input(id, &clients, |b, &clients| {
                let rig = rig.get_or_insert_with(|| Rig::start(rt, clients, kind));
                b.iter_custom(|iters| rig.publish(rt, iters * lines / WINDOW, WINDOW, 2, 0));
            });
            if let Some(rig) = rig {
                rig.stop(rt);
            }
        }
    }
    group.finish();
}

/// p50 and p99 of the fan-out latency with `clients` listeners.
fn latency(rt: &Runtime, clients: usize, pass: Pass) -> Percentiles {
    let mut rig = Rig::start(rt, clients, Kind::Reference);
    let lines = latency_lines(clients, pass);
    rig.publish(rt, lines / 10, 1, 1, 0);
    rig.publish(rt, lines, 1, 1, RECORD);
    // Hands in what each listener recorded.
    rig.publish(rt, 1, 1, 1, REPORT);
    let mut samples = std::mem::take(&mut *rig.progress.samples.lock().unwrap());
    rig.stop(rt);
    assert_eq!(
        samples.len() as u64,
        lines * clients as u64,
        "a latency per line and listener"
    );
    samples.sort_unstable();
    let at =
        |p: f64| samples[((p * samples.len() as f64).ceil() as usize).clamp(1, samples.len()) - 1];
    Percentiles {
        p50_ns: at(0.50),
        p99_ns: at(0.99),
        samples: samples.len(),
    }
}

struct Percentiles {
    p50_ns: u64,
    p99_ns: u64,
    samples: usize,
}

/// Per client: (resident set, heap) growth, in bytes, for each count.
fn memory(rt: &Runtime, counts: &[usize]) -> Vec<(Option<f64>, f64)> {
    let most = counts.iter().copied().max().unwrap_or(0);
    check_fd_limit(most + 1);
    let server = Server::start(rt, Kind::Reference);
    let connect = || {
        let mut client = std::net::TcpStream::connect(server.addr).unwrap_or_else(|error| {
            panic!(
                "relay benchmark: connecting to {}: {error} (see `ulimit -n`)",
                server.addr
            )
        });
        client
            .set_read_timeout(Some(STUCK))
            .expect("a read timeout");
        // The welcome: once it has come, the server's side is all set up.
        let mut welcome = [0; 64];
        let mut read = 0;
        while !welcome[..read].contains(&b'\n') {
            match client.read(&mut welcome[read..]) {
                Ok(0) | Err(_) => panic!(
                    "relay benchmark: no welcome from the server (is the process out of file \
                     descriptors? see `ulimit -n`)"
                ),
                Ok(n) => read += n,
            }
        }
        client
    };
    let mut clients = Vec::with_capacity(most + 1);
    // The first client sets up what every later one shares (the hub's map,
    // tokio's first slab pages): it is not counted.
    clients.push(connect());
    COUNTING.store(true, Ordering::Relaxed);
    let (rss_before, heap_before) = (rss(), LIVE.load(Ordering::Relaxed));
    let mut per_client = Vec::new();
    for &count in counts {
        while clients.len() < count + 1 {
            clients.push(connect());
        }
        let rss_now = rss();
        let heap = LIVE.load(Ordering::Relaxed) - heap_before;
        let rss = rss_before
            .zip(rss_now)
            .map(|(before, now)| now.saturating_sub(before) as f64 / count as f64);
        per_client.push((rss, heap as f64 / count as f64));
    }
    COUNTING.store(false, Ordering::Relaxed);
    drop(clients);
    server.stop(rt);
    per_client
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Pass {
    Full,
    Quick,
    Tiny,
}

/// What the command line asks for, read as criterion reads it.
struct Args {
    /// `--bench` without `--test`: a measurement (criterion's rule).
    bench: bool,
    list_or_profile: bool,
    filter: Option<String>,
}

fn args() -> Args {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let has = |flag: &str| args.iter().any(|arg| arg == flag);
    // Criterion's options that take a value: the value is not a filter.
    const VALUED: &[&str] = &[
        "-c",
        "--color",
        "-s",
        "--save-baseline",
        "-b",
        "--baseline",
        "--baseline-lenient",
        "--load-baseline",
        "--format",
        "--profile-time",
        "--sample-size",
        "--warm-up-time",
        "--measurement-time",
        "--nresamples",
        "--noise-threshold",
        "--confidence-level",
        "--significance-level",
        "--plotting-backend",
        "--output-format",
    ];
    let mut filter = None;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        if VALUED.contains(&arg.as_str()) {
            rest.next();
        } else if !arg.starts_with('-') {
            filter = Some(arg.clone());
            break;
        }
    }
    Args {
        bench: has("--bench") && !has("--test"),
        list_or_profile: has("--list") || args.iter().any(|arg| arg.starts_with("--profile-time")),
        filter,
    }
}

/// Criterion's folder, as criterion finds it (short of asking `cargo
/// metadata`: the benchmark's own path says where the target folder is).
fn criterion_home() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return home.into();
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(target).join("criterion");
    }
    // <target>/release/deps/relay-<hash>
    std::env::current_exe()
        .ok()
        .and_then(|exe| {
            exe.ancestors()
                .find(|dir| dir.file_name().is_some_and(|name| name == "deps"))
                .and_then(|deps| {
                    deps.parent()?
                        .parent()
                        .map(|target| target.join("criterion"))
                })
        })
        .unwrap_or_else(|| PathBuf::from("target/criterion"))
}

fn main() {
    let args = args();
    let quick = std::env::var("ASYNCLINGS_RELAY_BENCH").is_ok_and(|value| value == "quick");
    let pass = match (args.bench, quick) {
        (false, _) => Pass::Tiny,
        (true, true) => Pass::Quick,
        (true, false) => Pass::Full,
    };
    let load = !args.list_or_profile
        && args
            .filter
            .as_deref()
            .is_none_or(|filter| "relay/load".contains(filter));
    let counts: &[usize] = if pass == Pass::Tiny {
        &CLIENTS[..2]
    } else {
        &CLIENTS
    };
    let rt = runtime();

    // Memory first, before the process has grown.
    let memory = if load {
        memory(&rt, counts)
    } else {
        Vec::new()
    };

    let (warm_up, measurement) = if quick { (0.5, 1.0) } else { (2.0, 5.0) };
    let mut criterion = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs_f64(warm_up))
        .measurement_time(Duration::from_secs_f64(measurement))
        .configure_from_args();
    throughput(&mut criterion, &rt);

    if load {
        let mut json = String::from("{\n  \"points\": [");
        for (i, (&clients, (rss, heap))) in counts.iter().zip(&memory).enumerate() {
            let as_is = latency(&rt, clients, pass);
            let rss_text = rss.map_or("null".into(), |rss| format!("{rss:.0}"));
            let us = |ns: u64| ns as f64 / 1e3;
            println!(
                "relay/load/{clients}: latency p50 {:.1} µs, p99 {:.1} µs ({} samples); \
                 per client: resident {} bytes, heap {heap:.0} bytes",
                us(as_is.p50_ns),
                us(as_is.p99_ns),
                as_is.samples,
                rss_text,
            );
            let _ = write!(
                json,
                "{}\n    {{\"clients\": {clients}, \"p50_ns\": {}, \"p99_ns\": {}, \"samples\": {}, \
                 \"rss_per_client\": {rss_text}, \"heap_per_client\": {heap:.0}}}",
                if i == 0 { "" } else { "," },
                as_is.p50_ns,
                as_is.p99_ns,
                as_is.samples,
            );
        }
        json.push_str("\n  ]\n}\n");
        if pass == Pass::Tiny {
            println!("relay/load: test mode, nothing written");
        } else {
            let dir = criterion_home().join("relay");
            std::fs::create_dir_all(&dir).expect("criterion's folder");
            let path = dir.join("load.json");
            std::fs::write(&path, json).expect("writing load.json");
            println!("relay/load: wrote {}", path.display());
        }
    }
    drop(rt);
    criterion.final_summary();
}
