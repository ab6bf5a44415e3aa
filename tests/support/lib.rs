//! What the hidden suites share: a watchdog that turns a hang into a failure,
//! runtimes that tell a lost wake-up from a busy loop, a waker that records
//! wake-ups, and a poll/wake timeline of the code under test for the failure
//! message ([`trace`]).
//!
//! A crate of its own (`support`, a dev-dependency of the root package), built
//! once: it does not depend on the code under test, so the learner's edit ->
//! test loop never recompiles it. Each suite uses what it needs.

pub mod grading;

// Built into this shared library, for the suites (crates/support/Cargo.toml
// says why); unused here.
extern crate async_stream as _;
extern crate futures as _;
extern crate futures_test as _;
extern crate relay as _;
extern crate tokio_stream as _;
extern crate tokio_test as _;
extern crate tokio_util as _;

use std::any::Any;
use std::future::Future;
use std::panic;
use std::pin::Pin;
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::task::{Wake, Waker};
use std::thread;
use std::time::{Duration, Instant};

mod timeline;
pub use timeline::{Traced, trace};

/// How long a test waits for something that is due within milliseconds (a
/// wake-up, a future to finish) before it calls it a hang. Long enough for a
/// busy machine, short enough that a suite whose every test hangs still ends
/// within 10 seconds when libtest runs two tests at a time.
pub const PATIENCE: Duration = Duration::from_secs(2);

/// Runs `body` on a fresh thread and fails the test with `on_hang` if it has
/// not finished within [`PATIENCE`].
///
/// Plain `cargo test` never stops a hung test. Code that can hang when the
/// learner's code is wrong (an executor that parks forever, a future nobody
/// wakes) runs in here instead, so the learner gets a message, not a frozen
/// terminal. A panic inside `body` fails the test with the original message.
pub fn watchdog<T: Send + 'static>(on_hang: &str, body: impl FnOnce() -> T + Send + 'static) -> T {
    watchdog_within(PATIENCE, on_hang, body)
}

/// [`watchdog`] with a limit of its own, for a body that only makes plain
/// calls and polls by hand (no runtime, no timers, microseconds of work):
/// with a limit of, say, 500 ms, a suite in which most tests hang still
/// ends well within 10 seconds.
pub fn watchdog_within<T: Send + 'static>(
    limit: Duration,
    on_hang: &str,
    body: impl FnOnce() -> T + Send + 'static,
) -> T {
    let value = watch(
        limit,
        on_hang,
        Box::new(move || Box::new(body()) as AnyValue),
    );
    *value
        .downcast()
        .expect("the watchdog gives back what the body returned")
}

// The helpers below are generic only in thin wrappers: each boxes the test's
// closure or future and calls a function that is not generic, compiled once
// here. Were the runtime, the `select!` and the watchdog's thread generic over
// every test's future, every suite would compile (and link, and re-check
// after each edit) a copy of them per test: a good part of the learner's
// edit -> test loop. See CONTRIBUTING.md, "What keeps the loop fast".

/// A value of any type, handed back across a thread or a runtime.
type AnyValue = Box<dyn Any + Send>;
/// Makes a test's future, type-erased.
type MakeFuture = Box<dyn FnOnce() -> Pin<Box<dyn Future<Output = AnyValue>>> + Send>;

/// `make`, type-erased: the future it makes is boxed, and so is its output.
fn erase<F>(make: impl FnOnce() -> F + Send + 'static) -> MakeFuture
where
    F: Future + 'static,
    F::Output: Send + 'static,
{
    Box::new(move || Box::pin(async move { Box::new(make().await) as AnyValue }))
}

fn unerase<T: 'static>(value: AnyValue) -> T {
    *value
        .downcast()
        .expect("the runtime gives back what the test's future returned")
}

fn watch(limit: Duration, on_hang: &str, body: Box<dyn FnOnce() -> AnyValue + Send>) -> AnyValue {
    let (done_tx, done_rx) = mpsc::channel();
    let name = thread::current().name().unwrap_or("watched").to_owned();
    thread::Builder::new()
        .name(name)
        .spawn(move || {
            let outcome = panic::catch_unwind(panic::AssertUnwindSafe(body));
            // The receiver is gone only if the watchdog already gave up.
            let _ = done_tx.send(outcome);
        })
        .expect("the watchdog could not start a thread");
    match done_rx.recv_timeout(limit) {
        Ok(Ok(value)) => value,
        Ok(Err(payload)) => panic::resume_unwind(payload),
        // The stuck thread is left behind; the test process ends without it.
        Err(_) => panic!("still running after {limit:?}: {on_hang}"),
    }
}

/// Runs the future that `make` returns on a fresh current-thread tokio runtime
/// whose clock starts paused, under the [`watchdog`].
///
/// On the paused clock, time moves only when every task is waiting: sleeps
/// finish at once, in order, and `tokio::time::Instant::now()` gives exact
/// virtual timestamps. The two ways such a test can hang fail differently,
/// each with its own diagnosis after `what` (what never finished):
///
/// - every task waits and none is ever woken (a lost wake-up): after an hour
///   of virtual time, which on the paused clock passes at once;
/// - a task never stops running, so the clock cannot move (a busy loop, or a
///   blocking call on the runtime thread): after [`PATIENCE`] of real time.
pub fn paused<F>(what: &str, make: impl FnOnce() -> F + Send + 'static) -> F::Output
where
    F: Future + 'static,
    F::Output: Send + 'static,
{
    unerase(run_paused(what, erase(make)))
}

fn run_paused(what: &str, make: MakeFuture) -> AnyValue {
    let lost = format!(
        "{what}. Nothing happened for {VIRTUAL_PATIENCE:?} of virtual time: every task \
         was waiting and none was woken. A lost wake-up? Something returned Pending \
         without arranging for the task to be woken (the waker of `cx` must reach \
         whatever will produce the next item: a channel's `poll_recv`, a `Sleep`'s \
         `poll`, a stored waker)."
    );
    let busy = format!(
        "{what}. The paused clock stood still for {PATIENCE:?} of real time, so some \
         task never stopped running. A busy loop? Something keeps waking its own task \
         and returning Pending (`cx.waker().wake_by_ref()` before every Pending), so the \
         executor polls it again and again and time can never move on. Or a blocking \
         call on the runtime thread (`std::thread::sleep`, a std channel's `recv`)."
    );
    watch(
        PATIENCE,
        &busy,
        Box::new(move || {
            timeline::on_paused_clock();
            tokio::runtime::Builder::new_current_thread()
                .enable_time()
                .start_paused(true)
                .build()
                .expect("a tokio runtime")
                .block_on(async move {
                    let body = make();
                    // When every task waits and no timer is due sooner, the paused
                    // clock jumps straight to this one: a task nobody will wake
                    // fails at once instead of idling until the watchdog bites.
                    // `biased` checks the timer first, so the body gets no extra
                    // poll that could hide a lost wake-up.
                    tokio::select! {
                        biased;
                        () = tokio::time::sleep(VIRTUAL_PATIENCE) => panic!("{lost}"),
                        output = body => output,
                    }
                })
        }),
    )
}

/// Longer than any test's story in virtual time; see [`paused`].
pub const VIRTUAL_PATIENCE: Duration = Duration::from_secs(3600);

/// Runs the future that `make` returns on a fresh current-thread tokio
/// runtime on the real clock, under the [`watchdog`]: one thread runs every
/// task, so a task that blocks it stops all the others.
pub fn current_thread<F>(on_hang: &str, make: impl FnOnce() -> F + Send + 'static) -> F::Output
where
    F: Future + 'static,
    F::Output: Send + 'static,
{
    let mut runtime = tokio::runtime::Builder::new_current_thread();
    runtime.enable_time();
    unerase(run_on(on_hang, runtime, erase(make)))
}

/// Runs the future that `make` returns on a fresh multi-thread tokio runtime
/// with `workers` worker threads, under the [`watchdog`].
pub fn multi_thread<F>(
    on_hang: &str,
    workers: usize,
    make: impl FnOnce() -> F + Send + 'static,
) -> F::Output
where
    F: Future + 'static,
    F::Output: Send + 'static,
{
    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    runtime.worker_threads(workers).enable_time();
    unerase(run_on(on_hang, runtime, erase(make)))
}

/// Runs the future that `make` returns on a fresh multi-thread tokio runtime
/// with two worker threads, I/O and the real clock, under a watchdog of
/// `limit`: for suites that talk to a server over real sockets (on
/// 127.0.0.1, port 0). Each of their waits has its own, shorter limit that
/// names the step; `limit` only catches what those miss.
pub fn sockets<F>(
    limit: Duration,
    on_hang: &str,
    make: impl FnOnce() -> F + Send + 'static,
) -> F::Output
where
    F: Future + 'static,
    F::Output: Send + 'static,
{
    unerase(run_sockets(limit, on_hang, erase(make)))
}

fn run_sockets(limit: Duration, on_hang: &str, make: MakeFuture) -> AnyValue {
    watch(
        limit,
        on_hang,
        Box::new(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("a tokio runtime");
            let outcome = panic::catch_unwind(panic::AssertUnwindSafe(|| {
                runtime.block_on(async move { make().await })
            }));
            // Not a plain drop, which waits for every worker thread: a worker
            // stuck in the code under test (a busy loop, a blocking call)
            // never comes back, and the test, whose verdict is in, would hang
            // until the watchdog. Such a thread is left behind instead.
            runtime.shutdown_background();
            outcome.unwrap_or_else(|payload| panic::resume_unwind(payload))
        }),
    )
}

fn run_on(on_hang: &str, mut runtime: tokio::runtime::Builder, make: MakeFuture) -> AnyValue {
    watch(
        PATIENCE,
        on_hang,
        Box::new(move || {
            runtime
                .build()
                .expect("a tokio runtime")
                .block_on(async move { make().await })
        }),
    )
}

/// The message of a caught panic, for a test that explains it.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> &str {
    payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("(a panic without a message)")
}

/// Passes a caught `todo!()` panic on unchanged, and returns any other.
///
/// A test that catches a panic to explain it would otherwise explain the
/// stub's `todo!()` as if it were the learner's mistake.
pub fn unless_todo(payload: Box<dyn std::any::Any + Send>) -> Box<dyn std::any::Any + Send> {
    if panic_message(payload.as_ref()).starts_with("not yet implemented") {
        panic::resume_unwind(payload);
    }
    payload
}

/// A waker that records when it is woken, and lets a test wait for that.
///
/// `futures_test::task::new_count_waker` counts wake-ups; this one also notes
/// the instant of each, for futures woken by other threads on the real clock.
#[derive(Debug, Default)]
pub struct WakeRecorder {
    wakes: Mutex<Vec<Instant>>,
    woken: Condvar,
}

impl WakeRecorder {
    /// A new recorder and a `Waker` that reports to it.
    pub fn new() -> (Arc<Self>, Waker) {
        let recorder = Arc::new(Self::default());
        let waker = Waker::from(Arc::clone(&recorder));
        (recorder, waker)
    }

    /// How many times the waker has been woken so far.
    pub fn count(&self) -> usize {
        self.wakes.lock().unwrap().len()
    }

    /// Waits up to `limit` for the first wake-up and returns when it happened,
    /// or `None` if the waker was not woken in time.
    pub fn wait_for_wake(&self, limit: Duration) -> Option<Instant> {
        let wakes = self.wakes.lock().unwrap();
        let (wakes, _) = self
            .woken
            .wait_timeout_while(wakes, limit, |wakes| wakes.is_empty())
            .unwrap();
        wakes.first().copied()
    }
}

impl Wake for WakeRecorder {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.wakes.lock().unwrap().push(Instant::now());
        self.woken.notify_all();
    }
}

/// How one run of [`drop_after_each_poll`] ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dropped {
    /// The future was dropped after this many polls, each of which returned
    /// `Pending` (0: dropped before its first poll).
    AfterPolls(usize),
    /// The future completed on this poll, and was dropped after that.
    Completed { polls: usize },
}

/// A cancellation fuzzer: drops a future at every point where it can be
/// dropped, and checks an invariant after each drop.
///
/// Dropping a future is how async Rust cancels it: `select!` drops the
/// branches that lost, `timeout` drops what ran out of time, an aborted task
/// drops its future. A future is dropped only between two polls, so "every
/// point" is "after k polls", for k = 0, 1, 2, …: for each k, `setup` makes
/// a fresh `(state, future)`, the future is polled k times on a fresh paused
/// current-thread runtime (after each `Pending`, the runtime runs until the
/// future is woken, as an executor would), then dropped; the runtime's other
/// tasks get a few turns, and `check(&state, how)` looks at what is left
/// (no item lost, no permit kept, no task running). The runs stop after the
/// first one in which the future completed. A future that has not completed
/// after `max_polls` polls fails the test with `what`; one that is never woken
/// fails as a lost wake-up, as in [`paused`].
pub fn drop_after_each_poll<S, F>(
    what: &str,
    max_polls: usize,
    setup: impl Fn() -> (S, F) + Send + Sync + 'static,
    check: impl Fn(&S, Dropped) + Send + Sync + 'static,
) where
    S: 'static,
    F: Future + 'static,
{
    let setup = Arc::new(setup);
    let check = Arc::new(check);
    for k in 0..=max_polls {
        let (setup, check) = (Arc::clone(&setup), Arc::clone(&check));
        let completed = paused(
            &format!("{what} (in the run that drops it after {k} polls)"),
            move || async move {
                let (state, future) = setup();
                let mut future = Box::pin(future);
                let mut polls = 0;
                let done = std::future::poll_fn(|cx| {
                    if polls == k {
                        return std::task::Poll::Ready(None);
                    }
                    polls += 1;
                    future.as_mut().poll(cx).map(|_| Some(polls))
                })
                .await;
                // The cancellation itself.
                drop(future);
                // Whatever the future spawned, or woke on its way out, gets
                // to run before the check.
                for _ in 0..16 {
                    tokio::task::yield_now().await;
                }
                let how = match done {
                    Some(polls) => Dropped::Completed { polls },
                    None => Dropped::AfterPolls(k),
                };
                check(&state, how);
                done.is_some()
            },
        );
        if completed {
            return;
        }
    }
    panic!("{what}: it had not completed after {max_polls} polls");
}

/// The suites' global allocator (`SUITE_HEAP`): it counts, per thread, the
/// bytes allocated and not yet freed, and the peak of that count: what a
/// piece of code holds on the heap, seen from outside. Measure with
/// [`HeapProbe`].
///
/// It is installed here, in the shared library, for every suite (a suite
/// that declares its own does not compile). A suite links the standard
/// library as a shared library too (see crates/support/Cargo.toml), and a
/// `#[global_allocator]` in an executable does not reach the allocations
/// made inside shared libraries (rust-lang/rust#100781): growing a `Vec` or
/// a `BytesMut` happens there.
/// Defined in this library, the allocator's symbols come before the
/// standard library's when the loader looks them up, so on Linux every
/// allocation of the process goes through it. (macOS and Windows bind the
/// standard library's own calls to its own allocator: there, what it
/// allocates inside itself is not counted.)
///
/// The count is per thread: tests running side by side do not disturb each
/// other, and a current-thread runtime (every helper here builds one on a
/// thread of its own) runs all its tasks on the thread it counts. Memory
/// freed on another thread than the one that allocated it skews both
/// threads' counts by that much.
struct CountingAlloc;

#[global_allocator]
static SUITE_HEAP: CountingAlloc = CountingAlloc;

thread_local! {
    // Const-initialised and without a destructor: using them never allocates.
    static HEAP_NOW: std::cell::Cell<isize> = const { std::cell::Cell::new(0) };
    static HEAP_PEAK: std::cell::Cell<isize> = const { std::cell::Cell::new(0) };
}

static COUNTING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn count_heap(delta: isize) {
    COUNTING.store(true, std::sync::atomic::Ordering::Relaxed);
    // `try_with`: the thread's locals may already be gone while it ends.
    let _ = HEAP_NOW.try_with(|now| {
        let bytes = now.get() + delta;
        now.set(bytes);
        let _ = HEAP_PEAK.try_with(|peak| peak.set(peak.get().max(bytes)));
    });
}

// SAFETY: every call is passed on to the system allocator unchanged; the
// counting around it touches only two thread-local `Cell`s and never
// allocates.
unsafe impl std::alloc::GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        // SAFETY: the caller's contract is `System`'s.
        let ptr = unsafe { std::alloc::System.alloc(layout) };
        if !ptr.is_null() {
            count_heap(layout.size() as isize);
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        // SAFETY: as above.
        let ptr = unsafe { std::alloc::System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            count_heap(layout.size() as isize);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        // SAFETY: as above.
        unsafe { std::alloc::System.dealloc(ptr, layout) };
        count_heap(-(layout.size() as isize));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as above.
        let new = unsafe { std::alloc::System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            count_heap(new_size as isize - layout.size() as isize);
        }
        new
    }
}

/// Measures how much more the current thread holds on the heap, at most,
/// from its start on, as the suites' counting allocator sees it (exactly on
/// Linux; see `CountingAlloc` for the other systems). It panics if that
/// allocator is not in use, rather than measure nothing. One probe at a
/// time per thread.
#[derive(Debug)]
pub struct HeapProbe {
    base: isize,
}

impl HeapProbe {
    /// Starts measuring here.
    pub fn start() -> Self {
        // This `Box` goes through the global allocator: if that counts, the
        // flag is set by now.
        drop(std::hint::black_box(Box::new(0u8)));
        assert!(
            COUNTING.load(std::sync::atomic::Ordering::Relaxed),
            "HeapProbe: the suites' counting allocator is not in use, so the heap \
             cannot be measured here"
        );
        let base = HEAP_NOW.with(std::cell::Cell::get);
        HEAP_PEAK.with(|peak| peak.set(base));
        HeapProbe { base }
    }

    /// The most bytes this thread held on the heap beyond what it held at
    /// [`HeapProbe::start`], at any moment since.
    pub fn peak(&self) -> usize {
        let peak = HEAP_PEAK.with(std::cell::Cell::get);
        usize::try_from(peak - self.base).unwrap_or(0)
    }
}
