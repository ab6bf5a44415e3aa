//! A poll/wake timeline of the code under test, shown when a test fails.
//!
//! A suite wraps the learner's future or stream in [`trace`]; the wrapper
//! passes every poll through unchanged and notes what happened: each poll and
//! what it returned, whether the poll woke its own task, and each wake-up
//! after it (from which thread, through which poll's waker), on the test's
//! clock (virtual milliseconds under [`crate::paused`], real ones elsewhere).
//!
//! When the test then fails, for any reason (an assertion in the suite, the
//! watchdog, the paused clock's patience running out, a panic in the
//! learner's code), a panic hook adds the timeline of the last value traced in
//! that test under the failure's message, collapsed to a few lines:
//!
//! ```text
//! what your stream did (virtual ms):
//!   t=0        poll 1 -> Ready(Some(0))
//!   t=0        poll 2 -> Pending
//!   t=3600000  nothing woke it after poll 2's Pending, up to here
//! ```
//!
//! A busy loop reads "polls 3 to 99999 (99997 polls, the clock never moved)
//! -> Pending, each woke itself during the poll". The Wakers chapter ("Reading
//! a timeline") shows how to read one.
//!
//! The waker the code under test sees is a thin wrapper around the real one:
//! waking it wakes the real one, dropping it drops it, and a poll with the
//! same real waker as the previous one gets the same wrapper (so
//! `Waker::will_wake` works as without the trace).

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::VecDeque;
use std::fmt::{self, Debug, Write as _};
use std::future::Future;
use std::panic;
use std::pin::Pin;
use std::sync::{Arc, Mutex, Once, TryLockError, Weak};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, ThreadId};
use std::time::Duration;

use futures_core::Stream;

/// The most lines a timeline takes; longer ones keep their start and end.
const MAX_LINES: usize = 9;

thread_local! {
    /// Set on the thread of a runtime whose clock is paused (see
    /// [`crate::paused`]): a trace made there tells virtual time.
    static PAUSED: Cell<bool> = const { Cell::new(false) };
}

/// Marks the current thread as running a paused-clock runtime.
pub(crate) fn on_paused_clock() {
    PAUSED.with(|paused| paused.set(true));
}

pin_project_lite::pin_project! {
    /// A future or stream that records its polls and wake-ups: see [`trace`].
    pub struct Traced<T> {
        #[pin]
        inner: T,
        log: Arc<Log>,
    }
}

/// Wraps `inner` (the learner's future or stream) so that what it does is
/// recorded, and shown under the message of a failing test.
///
/// Call it in the test's own thread (the watchdog's and the runtimes'
/// threads here count as the test's): the timeline belongs to the test that
/// made it, and a later trace in the same test replaces it.
pub fn trace<T>(inner: T) -> Traced<T> {
    let log = Arc::new(Log::new());
    register(&log);
    Traced { inner, log }
}

impl<T> Traced<T> {
    /// The traced value, for a test that goes on without the trace.
    pub fn into_inner(self) -> T {
        self.inner
    }
}

// The traced value's own methods (`close`, `size_hint`…) work through the
// trace. (Only an unpinned `Traced` gives `&mut T`: pinning is kept.)
impl<T> std::ops::Deref for Traced<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.inner
    }
}

impl<T> std::ops::DerefMut for Traced<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.inner
    }
}

impl<T: Debug> Debug for Traced<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}

impl<F> Future for Traced<F>
where
    F: Future,
    F::Output: Debug,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let waker = this.log.begin_poll(cx.waker(), "future");
        let outcome = this.inner.poll(&mut Context::from_waker(&waker));
        this.log.end_poll(
            match &outcome {
                Poll::Ready(output) => Cow::Owned(format!("Ready({})", short(output))),
                Poll::Pending => Cow::Borrowed("Pending"),
            },
            false,
        );
        outcome
    }
}

impl<S> Stream for Traced<S>
where
    S: Stream,
    S::Item: Debug,
{
    type Item = S::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        let this = self.project();
        let waker = this.log.begin_poll(cx.waker(), "stream");
        let outcome = this.inner.poll_next(&mut Context::from_waker(&waker));
        this.log.end_poll(
            match &outcome {
                Poll::Ready(Some(item)) => Cow::Owned(format!("Ready(Some({}))", short(item))),
                Poll::Ready(None) => Cow::Borrowed("Ready(None)"),
                Poll::Pending => Cow::Borrowed("Pending"),
            },
            matches!(outcome, Poll::Ready(Some(_))),
        );
        outcome
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

/// A value's `Debug`, cut short for one line.
fn short(value: &dyn Debug) -> String {
    let text = format!("{value:?}");
    match text.char_indices().nth(40) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// Where times are read from.
enum Clock {
    /// tokio's clock, paused: virtual time since the trace began.
    Virtual(tokio::time::Instant),
    /// The real clock.
    Real(std::time::Instant),
}

impl Clock {
    fn here() -> Clock {
        let paused = PAUSED.with(Cell::get) && tokio::runtime::Handle::try_current().is_ok();
        if paused {
            Clock::Virtual(tokio::time::Instant::now())
        } else {
            Clock::Real(std::time::Instant::now())
        }
    }

    /// Milliseconds since the start, if this thread can read the clock (a
    /// paused clock is read only on its runtime's thread).
    fn now(&self) -> Option<u64> {
        let elapsed = match self {
            Clock::Virtual(start) => {
                if !PAUSED.with(Cell::get) || tokio::runtime::Handle::try_current().is_err() {
                    return None;
                }
                tokio::time::Instant::now().saturating_duration_since(*start)
            }
            Clock::Real(start) => start.elapsed(),
        };
        Some(u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX))
    }

    fn unit(&self) -> &'static str {
        match self {
            Clock::Virtual(_) => "virtual ms",
            Clock::Real(_) => "real ms",
        }
    }
}

/// What happened, in order. Runs of alike polls are kept as one entry: of
/// the same outcome, or each yielding an item.
enum Event {
    Polls {
        first: u64,
        last: u64,
        from: Option<u64>,
        to: Option<u64>,
        /// What they returned: one outcome, or for a run of items the first
        /// three and the last.
        outcomes: Vec<Cow<'static, str>>,
        items: bool,
        woke_itself: bool,
    },
    Woken {
        at: Option<u64>,
        times: u64,
        by: By,
        /// The poll whose waker was woken, when a later poll gave a newer one.
        stale: Option<u64>,
    },
}

/// Who woke the task.
#[derive(Clone, PartialEq)]
enum By {
    /// Another thread (its name, if it has one).
    Thread(Option<String>),
    /// Something on the thread that polls, between polls: a timer, a
    /// channel, another task.
    SameThread,
}

/// The events kept: the first [`KEPT`] and the latest [`KEPT`]. Those in
/// between are only counted: a busy loop makes millions, and a timeline
/// shows its start and its end.
#[derive(Default)]
struct Events {
    head: Vec<Event>,
    tail: VecDeque<Event>,
    dropped: usize,
}

/// How many events [`Events`] keeps at each end.
const KEPT: usize = 64;

impl Events {
    fn last(&self) -> Option<&Event> {
        self.tail.back().or(self.head.last())
    }

    fn last_mut(&mut self) -> Option<&mut Event> {
        match self.tail.back_mut() {
            Some(event) => Some(event),
            None => self.head.last_mut(),
        }
    }

    fn push(&mut self, event: Event) {
        if self.head.len() < KEPT {
            self.head.push(event);
            return;
        }
        if self.tail.len() == KEPT {
            self.tail.pop_front();
            self.dropped += 1;
        }
        self.tail.push_back(event);
    }

    /// How many events there were in all.
    fn count(&self) -> usize {
        self.head.len() + self.dropped + self.tail.len()
    }
}

struct State {
    events: Events,
    polls: u64,
    noun: &'static str,
    /// The poll in progress: its thread, and whether it woke its own task.
    polling: Option<(ThreadId, bool)>,
    /// The thread of the latest poll.
    poller: Option<ThreadId>,
    /// The real waker of the latest poll, the wrapper handed out for it, and
    /// the poll it was first handed to.
    latest: Option<(Waker, Waker, u64)>,
    /// How many events there were when the timeline was last shown: a test
    /// that explains a caught panic fails twice, and shows it once.
    shown: Option<usize>,
}

/// The record of one traced value.
pub(crate) struct Log {
    clock: Clock,
    state: Mutex<State>,
}

impl Log {
    fn new() -> Log {
        Log {
            clock: Clock::here(),
            state: Mutex::new(State {
                events: Events::default(),
                polls: 0,
                noun: "code",
                polling: None,
                poller: None,
                latest: None,
                shown: None,
            }),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic in the code under test never happens while this is held.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Notes the start of a poll and returns the waker to poll with.
    fn begin_poll(self: &Arc<Self>, real: &Waker, noun: &'static str) -> Waker {
        let mut state = self.state();
        state.polls += 1;
        state.noun = noun;
        state.polling = Some((thread::current().id(), false));
        state.poller = Some(thread::current().id());
        if let Some((known, wrapper, _)) = &state.latest
            && known.will_wake(real)
        {
            return wrapper.clone();
        }
        let wrapper = Waker::from(Arc::new(Recording {
            real: real.clone(),
            log: Arc::downgrade(self),
            poll: state.polls,
        }));
        state.latest = Some((real.clone(), wrapper.clone(), state.polls));
        wrapper
    }

    fn end_poll(&self, outcome: Cow<'static, str>, item: bool) {
        let at = self.clock.now();
        let mut state = self.state();
        let n = state.polls;
        let woke_itself = state.polling.take().is_some_and(|(_, woke)| woke);
        if let Some(Event::Polls {
            last,
            to,
            outcomes,
            items,
            woke_itself: previous_woke,
            ..
        }) = state.events.last_mut()
            && *last + 1 == n
            && *previous_woke == woke_itself
            && (if item { *items } else { outcomes[0] == outcome })
        {
            *last = n;
            *to = at;
            if item {
                if outcomes.len() < 4 {
                    outcomes.push(outcome);
                } else {
                    outcomes[3] = outcome;
                }
            }
            return;
        }
        state.events.push(Event::Polls {
            first: n,
            last: n,
            from: at,
            to: at,
            outcomes: vec![outcome],
            items: item,
            woke_itself,
        });
    }

    fn woken(&self, poll: u64) {
        let at = self.clock.now();
        let me = thread::current();
        let mut state = self.state();
        if let Some((thread, woke)) = &mut state.polling
            && *thread == me.id()
        {
            *woke = true;
            return;
        }
        let by = if state.poller == Some(me.id()) {
            By::SameThread
        } else {
            By::Thread(me.name().map(str::to_owned))
        };
        let latest = state.latest.as_ref().map_or(poll, |(_, _, from)| *from);
        let stale = (poll != latest).then_some(poll);
        if let Some(Event::Woken {
            times,
            by: previous,
            stale: previous_stale,
            ..
        }) = state.events.last_mut()
            && *previous == by
            && *previous_stale == stale
        {
            *times += 1;
            return;
        }
        state.events.push(Event::Woken {
            at,
            times: 1,
            by,
            stale,
        });
    }

    /// The timeline, a header and at most [`MAX_LINES`] lines; nothing if
    /// nothing happened since it was last shown.
    fn render(&self) -> Option<String> {
        // The code under test may be running a poll on another thread (the
        // watchdog renders while a busy loop goes on): wait for a moment
        // between two polls, a little.
        let mut tries = 0;
        let mut state = loop {
            match self.state.try_lock() {
                Ok(state) => break state,
                Err(TryLockError::Poisoned(poisoned)) => break poisoned.into_inner(),
                Err(TryLockError::WouldBlock) if tries < 1000 => {
                    tries += 1;
                    thread::sleep(Duration::from_micros(50));
                }
                Err(TryLockError::WouldBlock) => return None,
            }
        };
        let seen = Some(state.events.count() + state.polls as usize);
        if state.shown == seen {
            return None;
        }
        state.shown = seen;
        let now = self.clock.now();
        let virtual_clock = matches!(self.clock, Clock::Virtual(_));
        let mut lines = describe(&state.events.head, virtual_clock);
        // Where the events in between were only counted (see [`Events`]).
        let gap = lines.len();
        if state.events.dropped > 0 {
            lines.push((None, String::new()));
        }
        lines.extend(describe(state.events.tail.make_contiguous(), virtual_clock));
        match (&state.polling, state.events.last()) {
            (Some((thread, _)), _) => {
                let what = if *thread == thread::current().id() {
                    "panicked (the failure above happened inside it)"
                } else {
                    "never returned: still running when the test gave up"
                };
                lines.push((now, format!("poll {} {what}", state.polls)));
            }
            (
                None,
                Some(Event::Polls {
                    last,
                    outcomes,
                    woke_itself: false,
                    ..
                }),
            ) if outcomes[0] == "Pending" => {
                lines.push((
                    now,
                    format!("nothing woke it after poll {last}'s Pending, up to here"),
                ));
            }
            _ => {}
        }
        if lines.is_empty() {
            return Some(format!("\nYour {} was never polled.\n", state.noun));
        }
        let timed = virtual_clock || lines.iter().any(|(at, _)| at.is_some_and(|at| at > 0));
        let dropped = state.events.dropped;
        let more = |n: usize| format!("… ({n} more) …");
        if lines.len() > MAX_LINES {
            let cut = lines.len() - MAX_LINES + 1;
            let head = MAX_LINES / 2 - 1;
            let left_out = head..head + cut;
            // The lines left out, and the events only counted if their gap
            // is among them.
            let hidden = if dropped > 0 && left_out.contains(&gap) {
                cut - 1 + dropped
            } else {
                cut
            };
            lines.splice(left_out, [(None, more(hidden))]);
        }
        for (_, what) in &mut lines {
            if what.is_empty() {
                *what = more(dropped);
            }
        }
        let mut text = String::new();
        let noun = state.noun;
        if timed {
            let _ = writeln!(text, "\nwhat your {noun} did ({}):", self.clock.unit());
        } else {
            let _ = writeln!(text, "\nwhat your {noun} did:");
        }
        for (at, what) in lines {
            if timed {
                let at = at.map_or_else(String::new, |at| format!("t={at}"));
                let _ = writeln!(text, "  {at:<10} {what}");
            } else {
                let _ = writeln!(text, "  {what}");
            }
        }
        Some(text)
    }
}

/// The events as lines, with their times. A run of polls that each
/// returned the same and were each woken again from outside (a task that is
/// woken by something that is always ready: a channel that has closed, a
/// timer that has fired, tokio's budget) is one line.
fn describe(events: &[Event], virtual_clock: bool) -> Vec<(Option<u64>, String)> {
    let mut lines = Vec::new();
    let mut i = 0;
    while i < events.len() {
        let cycles = cycle_length(&events[i..], virtual_clock);
        if cycles >= 3 {
            let (
                Event::Polls {
                    first,
                    from,
                    outcomes,
                    ..
                },
                Event::Woken { by, .. },
            ) = (&events[i], &events[i + 1])
            else {
                unreachable!("a cycle starts with a poll and its wake-up")
            };
            let Event::Polls { last, to, .. } = &events[i + 2 * (cycles - 1)] else {
                unreachable!("a cycle starts with a poll")
            };
            let until = match (from, to) {
                (Some(from), Some(to)) if from != to => format!(", until t={to}"),
                (Some(_), Some(_)) if virtual_clock => ", the clock never moved".to_owned(),
                _ => String::new(),
            };
            lines.push((
                *from,
                format!(
                    "polls {first} to {last} ({cycles} polls{until}) -> {}, each woken again{} \
                     right after",
                    outcomes[0],
                    by_whom(by)
                ),
            ));
            i += 2 * cycles;
        } else {
            lines.push(line(&events[i], virtual_clock));
            i += 1;
        }
    }
    lines
}

/// How many (poll, wake-up) pairs alike start `events`: on the paused
/// clock, all at one instant (polls that time separates tell a story of
/// their own).
fn cycle_length(events: &[Event], virtual_clock: bool) -> usize {
    let mut pairs = events.chunks_exact(2).map(|pair| match pair {
        [
            Event::Polls {
                first,
                last,
                from,
                outcomes,
                items: false,
                woke_itself: false,
                ..
            },
            Event::Woken {
                times: 1,
                by,
                stale: None,
                ..
            },
        ] if first == last => Some((*first, &outcomes[0], by, *from)),
        _ => None,
    });
    let Some(Some((mut previous, outcome, by, at))) = pairs.next() else {
        return 0;
    };
    let mut count = 1;
    for pair in pairs {
        match pair {
            Some((poll, o, b, t))
                if poll == previous + 1
                    && o == outcome
                    && b == by
                    && (!virtual_clock || t == at) =>
            {
                previous = poll;
                count += 1;
            }
            _ => break,
        }
    }
    count
}

/// " from thread 'timer'", " from another thread", or nothing (the thread
/// that polls, between polls).
fn by_whom(by: &By) -> String {
    match by {
        By::Thread(Some(name)) => format!(" from thread '{name}'"),
        By::Thread(None) => " from another thread".to_owned(),
        By::SameThread => String::new(),
    }
}

/// One event, as a line of the timeline, with its time.
fn line(event: &Event, virtual_clock: bool) -> (Option<u64>, String) {
    match event {
        Event::Polls {
            first,
            last,
            from,
            to,
            outcomes,
            items: _,
            woke_itself,
        } => {
            // Of a run of items, the first two and the last.
            let outcome = match outcomes.as_slice() {
                [one, two, _, latest] if last - first + 1 > 4 => {
                    format!("{one}, {two}, … {latest}")
                }
                all => all.join(", "),
            };
            let woke = match (woke_itself, first == last) {
                (false, _) => "",
                (true, true) => ", woke itself during the poll",
                (true, false) => ", each woke itself during the poll",
            };
            let polls = if first == last {
                format!("poll {first}")
            } else if first + 1 == *last {
                format!("polls {first} and {last}")
            } else {
                let until = match (from, to) {
                    (Some(from), Some(to)) if from != to => format!(", until t={to}"),
                    (Some(_), Some(_)) if virtual_clock => ", the clock never moved".to_owned(),
                    _ => String::new(),
                };
                format!(
                    "polls {first} to {last} ({} polls{until})",
                    last - first + 1
                )
            };
            (*from, format!("{polls} -> {outcome}{woke}"))
        }
        Event::Woken {
            at,
            times,
            by,
            stale,
        } => {
            let by = by_whom(by);
            let stale = match stale {
                Some(poll) => {
                    format!(" through poll {poll}'s waker (a later poll gave a newer one)")
                }
                None => String::new(),
            };
            let times = if *times > 1 {
                format!(" ({times} times)")
            } else {
                String::new()
            };
            (*at, format!("woken{by}{stale}{times}"))
        }
    }
}

/// The waker handed to the code under test: notes each wake-up, then wakes
/// the real waker.
struct Recording {
    real: Waker,
    log: Weak<Log>,
    /// The poll it was first handed to.
    poll: u64,
}

impl Wake for Recording {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if let Some(log) = self.log.upgrade() {
            log.woken(self.poll);
        }
        self.real.wake_by_ref();
    }
}

/// The latest timeline of each test, by the test's name (libtest runs each
/// test on a thread of that name; the helpers here name their threads after
/// it too). Kept after the traced value is gone: the test may fail after it.
static TIMELINES: Mutex<Vec<(String, Arc<Log>)>> = Mutex::new(Vec::new());

fn register(log: &Arc<Log>) {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            // Read before the usual report, which may take a while to
            // print a backtrace: the timeline ends at the failure.
            let timeline = current();
            previous(info);
            if let Some(timeline) = timeline {
                eprint!("{timeline}");
            }
        }));
    });
    let Some(test) = thread::current().name().map(str::to_owned) else {
        return;
    };
    // A runtime's worker threads are shared by no test in particular.
    if test == "main" || test.starts_with("tokio-runtime-worker") {
        return;
    }
    let mut timelines = TIMELINES.lock().unwrap_or_else(|p| p.into_inner());
    timelines.retain(|(name, _)| *name != test);
    timelines.push((test, Arc::clone(log)));
}

/// The timeline of the test this thread works for, if it traced something.
fn current() -> Option<String> {
    let me = thread::current();
    let test = me.name()?;
    let log = {
        let timelines = TIMELINES.try_lock().ok()?;
        timelines
            .iter()
            .find(|(name, _)| name == test)
            .map(|(_, log)| Arc::clone(log))?
    };
    log.render()
}
