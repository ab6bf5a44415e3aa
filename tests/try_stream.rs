//! Hidden suite for `try_stream`: a stream that can fail, and two policies.
//!
//! Contract: the input is a stream of lines, `io::Result<String>` (a line,
//! or the error of a line that could not be read). A line is a record
//! `name=value` (`parse_line`, given); a blank line (empty or only spaces)
//! is skipped. Lines are numbered from 1, and every line the input gave
//! counts, blank ones too.
//!
//! `records(lines)` is the stop policy: a stream of `Result<Record,
//! ParseError>` that yields each line's record, in order, and at the first
//! line that is not a record yields `Err(ParseError::BadLine { line, error })`
//! (with `parse_line`'s error) and ends; at the first read error it yields
//! `Err(ParseError::Read(e))` and ends. No record before the error is lost,
//! nothing comes after it: the next poll returns `None` at once, without
//! reading another line. It is lazy: it reads nothing before its first poll,
//! and a poll reads only the lines it needs for one item (after the item of
//! line `n`, exactly `n` lines were read), so an endless input works. While
//! the input has no line ready it returns `Pending`, is woken when a line (or
//! the end) arrives, and does not wake itself meanwhile (a few spurious
//! wake-ups are allowed). It never polls the input after the input ended,
//! and after its own end it keeps returning `None`.
//!
//! `skip_bad(lines)` is the skip policy: it reads the input to its end and
//! returns `Ok(Summary { records, skipped })`: every record in order, and the
//! number of non-blank lines that were not records. A read error stops it:
//! it returns `Err(that error)` without reading further.
//!
//! Neither panics on a bad line. Every call into `records`, its stream and
//! `skip_bad` runs under the watchdog: a poll that never returns fails the
//! test in seconds instead of hanging it.

// The code under test, compiled into this suite: your `exercises/src/try_stream.rs`,
// or the reference solution with `cargo test --features solutions`.
#[cfg_attr(not(feature = "solutions"), path = "../exercises/src/try_stream.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/src/try_stream.rs")]
mod try_stream;

use std::any::Any;
use std::future::Future;
use std::io;
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};

use futures::channel::mpsc;
use futures::executor::block_on;
use futures::stream::{self, BoxStream};
use futures::{Stream, StreamExt};
use support::trace;
use tokio_test::task;
use try_stream::{LineError, ParseError, Record, Summary, records, skip_bad};

const NEVER_RETURNED: &str = "a call to `records`, a poll of its stream, or a poll of \
    `skip_bad` never returned. Each must return at once: wait for the next line with \
    `.await` (which returns Pending while there is none), never in a loop or a blocking call";

/// The input, as `records` and `skip_bad` see it.
type Lines = BoxStream<'static, io::Result<String>>;
/// One item of `records`' stream.
type Item = Result<Record, ParseError>;

/// `text` as an input whose every line reads fine.
fn lines(text: &[&str]) -> Lines {
    let lines: Vec<io::Result<String>> = text.iter().map(|line| Ok(line.to_string())).collect();
    stream::iter(lines).boxed()
}

/// A read error, as an input line.
fn read_error() -> io::Result<String> {
    Err(io::Error::other("disk on fire"))
}

/// What the tests compare: an item of `records`, without the `io::Error`
/// (which has no `PartialEq`).
#[derive(Debug, Clone, PartialEq)]
enum Seen {
    Record(String, i64),
    BadLine(usize, LineError),
    Read(String),
}

fn seen(item: Item) -> Seen {
    match item {
        Ok(Record { name, value }) => Seen::Record(name, value),
        Err(ParseError::BadLine { line, error }) => Seen::BadLine(line, error),
        Err(ParseError::Read(error)) => Seen::Read(error.to_string()),
    }
}

fn record(name: &str, value: i64) -> Seen {
    Seen::Record(name.to_owned(), value)
}

/// Checks that `item` is the error of the bad line `line` (`oops`, which has
/// no `=`), and says what is wrong if it is not. `items` is everything the
/// stream gave, for the message.
fn assert_error_of_line(item: Option<&Seen>, line: usize, items: &[Seen], context: &str) {
    match item {
        Some(Seen::BadLine(number, LineError::NoEquals)) if *number == line => {}
        Some(Seen::BadLine(number, error)) if *number == line => panic!(
            "{context}: `oops` has no `=`, so its error is `LineError::NoEquals`, but the \
             stream said {error:?}. Pass on `parse_line`'s own error. All items: {items:?}"
        ),
        Some(Seen::BadLine(number, _)) if number + 1 == line => panic!(
            "{context}: the error says line {number}, but the bad line is line {line}. Lines \
             are numbered from 1, as an editor shows them (an index from `enumerate()` starts \
             at 0: add 1). All items: {items:?}"
        ),
        Some(Seen::BadLine(number, _)) => panic!(
            "{context}: the error says line {number}, but the bad line is line {line}. Every \
             line counts, blank ones too, so that the number is the one an editor shows: count \
             each line as it is read, before deciding to skip it. All items: {items:?}"
        ),
        other => panic!(
            "{context}: here the stream must yield the error of line {line} (`oops`, no `=`), \
             but it gave {other:?}. All items: {items:?}"
        ),
    }
}

const POLLED_AFTER_END: &str = "the input was polled again after it had ended";

/// Wraps an input: counts the items it hands out (lines and read errors), and
/// fails the test if it is polled again after it ended.
struct Counted {
    inner: Lines,
    ended: bool,
    given: Arc<AtomicUsize>,
}

/// `inner`, counted: the counter says how many items it has handed out.
fn counted(inner: Lines) -> (Lines, Arc<AtomicUsize>) {
    let given = Arc::new(AtomicUsize::new(0));
    let input = Counted {
        inner,
        ended: false,
        given: Arc::clone(&given),
    };
    (input.boxed(), given)
}

impl Stream for Counted {
    type Item = io::Result<String>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        assert!(
            !self.ended,
            "{POLLED_AFTER_END} (returned None). When the lines run out, the work is done: \
             end too, and never poll the input again (many streams panic or misbehave when \
             polled after their end)."
        );
        let next = self.inner.poll_next_unpin(cx);
        match next {
            Poll::Ready(Some(_)) => {
                self.given.fetch_add(1, Ordering::SeqCst);
            }
            Poll::Ready(None) => self.ended = true,
            Poll::Pending => {}
        }
        next
    }
}

/// The learner's stream or future, boxed, with its panics explained.
struct Checked<T: ?Sized> {
    inner: Pin<Box<T>>,
    /// Whether it has ended: returned `Ready(None)`, or `Ready` (a future).
    ended: bool,
}

type Records = Checked<dyn Stream<Item = Item>>;
type Skipping = Checked<dyn Future<Output = io::Result<Summary>>>;

/// `records(lines)`, ready to poll. Call it under the watchdog.
fn parse(lines: Lines) -> Records {
    let inner = catch(
        || Box::pin(trace(records(lines))) as Pin<Box<dyn Stream<Item = Item>>>,
        false,
    );
    Checked {
        inner,
        ended: false,
    }
}

/// `skip_bad(lines)`, ready to poll. Call it under the watchdog.
fn skipping(lines: Lines) -> Skipping {
    let inner = catch(
        || Box::pin(trace(skip_bad(lines))) as Pin<Box<dyn Future<Output = io::Result<Summary>>>>,
        false,
    );
    Checked {
        inner,
        ended: false,
    }
}

/// Runs `call`, and explains a panic in it (see [`explain`]).
fn catch<R>(call: impl FnOnce() -> R, ended: bool) -> R {
    match panic::catch_unwind(AssertUnwindSafe(call)) {
        Ok(value) => value,
        Err(payload) => explain(payload, ended),
    }
}

/// A panic in the learner's code, explained. `todo!()` and this suite's own
/// panics go through unchanged.
fn explain(payload: Box<dyn Any + Send>, ended: bool) -> ! {
    let payload = support::unless_todo(payload);
    let message = support::panic_message(payload.as_ref()).to_owned();
    if message.starts_with(POLLED_AFTER_END) {
        panic::resume_unwind(payload);
    }
    if ended {
        panic!(
            "the stream of `records` had ended (it returned None), and when it was polled \
             again it panicked: \"{message}\". A stream that has ended keeps returning None. \
             (`futures::stream::unfold` panics when polled after its end: `.fuse()` it, or \
             keep a `done` flag.)"
        );
    }
    panic!(
        "your code panicked: \"{message}\". If that is an `unwrap` or `expect` on a line: a \
         bad line is data, not a bug in the program, so never `unwrap` or `expect` its parse. \
         `records` yields it as an `Err` (`?` in `try_stream!` does that) and ends; \
         `skip_bad` counts it and goes on."
    );
}

impl Stream for Records {
    type Item = Item;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Item>> {
        let ended = self.ended;
        let next = catch(|| self.inner.as_mut().poll_next(cx), ended);
        if let Poll::Ready(None) = next {
            self.ended = true;
        }
        next
    }
}

impl Future for Skipping {
    type Output = io::Result<Summary>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let result = catch(|| self.inner.as_mut().poll(cx), false);
        self.ended = result.is_ready();
        result
    }
}

/// Every item of `records(input)`, to its end, under the watchdog.
fn all_items(input: Lines) -> Vec<Seen> {
    support::watchdog(NEVER_RETURNED, move || {
        block_on(parse(input).map(seen).collect())
    })
}

#[test]
fn records_yields_a_record_for_each_line_in_order() {
    let got = all_items(lines(&["a=1", "b=-2", " speed = 30 ", "d=4000"]));
    assert_eq!(
        got,
        [
            record("a", 1),
            record("b", -2),
            record("speed", 30),
            record("d", 4000)
        ],
        "four good lines give their four records, in order (each `parse_line(&line)`), \
         then the stream ends"
    );
    assert_eq!(
        all_items(lines(&[])),
        [],
        "no lines at all: no records, and the stream ends at once"
    );
}

#[test]
fn records_yields_every_record_before_a_bad_line() {
    let got = all_items(lines(&["a=1", "b=2", "c=3", "oops", "d=4"]));
    assert_eq!(
        got.get(..3),
        Some(&[record("a", 1), record("b", 2), record("c", 3)][..]),
        "line 4 is bad, but the records of lines 1 to 3 must come out first, in order \
         (all items: {got:?}). Stopping at an error loses nothing before it: yield each \
         record as soon as its line is parsed; do not collect them and give up on the \
         error (`try_collect` drops everything it collected when an error comes)."
    );
}

#[test]
fn records_yields_the_bad_line_as_an_error() {
    let got = all_items(lines(&["a=1", "b=2", "c=3", "oops", "d=4"]));
    let error = got.iter().find(|item| !matches!(item, Seen::Record(..)));
    match error {
        Some(Seen::BadLine(_, LineError::NoEquals)) => {}
        None if got.len() <= 3 => panic!(
            "line 4 (`oops`) is bad, but the stream ended after {} items without yielding its \
             error: {got:?}. The error is the stream's last item, not its silent end. \
             (`take_while(|r| ready(r.is_ok()))` does exactly this: it drops the item that \
             fails the test, the error, and ends.)",
            got.len()
        ),
        None => panic!(
            "line 4 (`oops`) is bad, but the stream yielded no error and went on with the next \
             line: {got:?}. A bad line must not be dropped silently (`filter_map(Result::ok)`, \
             or `.ok()?`, drop errors): the consumer must learn why the records stopped."
        ),
        Some(other) => panic!(
            "line 4 (`oops`) has no `=`: its error must be \
             `Err(ParseError::BadLine {{ line, error: LineError::NoEquals }})`, but it was \
             {other:?} (all items: {got:?}). Pass on `parse_line`'s own error."
        ),
    }
}

#[test]
fn records_yields_nothing_after_the_error() {
    let got = all_items(lines(&["a=1", "oops", "b=2", "??", "c=3"]));
    let first_error = got
        .iter()
        .position(|item| !matches!(item, Seen::Record(..)));
    let Some(at) = first_error else {
        panic!(
            "line 2 (`oops`) is bad, but the stream yielded no error at all: {got:?}. The \
             stop policy yields the error of the first bad line."
        )
    };
    assert_eq!(
        got.len(),
        at + 1,
        "the stream went on after its error: {got:?}. Stop means stop: the error is the \
         last item, and the stream ends right after it (in `try_stream!`, `?` yields the \
         error and returns; `yield Err(e)` goes on)."
    );
}

#[test]
fn records_ends_right_after_the_error_without_reading_another_line() {
    support::watchdog(NEVER_RETURNED, || {
        let (tx, rx) = mpsc::unbounded();
        let (input, given) = counted(rx.boxed());
        tx.unbounded_send(Ok("a=1".to_owned())).unwrap();
        tx.unbounded_send(Ok("oops".to_owned())).unwrap();
        // More lines may come: the sender stays open.
        let mut stream = task::spawn(parse(input));
        assert_eq!(
            next(&mut stream),
            Poll::Ready(Some(record("a", 1))),
            "the lines `a=1` and `oops` are waiting in the input: the first poll must yield \
             the record of `a=1` at once"
        );
        let second = next(&mut stream);
        assert!(
            matches!(second, Poll::Ready(Some(Seen::BadLine(..)))),
            "line 2 (`oops`) is bad: the second item must be its error, got {second:?}"
        );
        let third = next(&mut stream);
        assert_eq!(
            third,
            Poll::Ready(None),
            "after its error the stream must end at once: the next poll returns Ready(None). \
             It returned {third:?}, although no more lines had come (the input was still \
             open). A stream that stops at the error must not read on to find out whether \
             to stop (`scan` and `take_while` decide on the *next* item, so they wait for \
             another line first)."
        );
        assert_eq!(
            given.load(Ordering::SeqCst),
            2,
            "the stream read more lines after the bad line 2: nothing after the error is \
             read"
        );
        drop(tx);
    });
}

#[test]
fn records_keeps_returning_none_and_never_polls_an_ended_input() {
    support::watchdog(NEVER_RETURNED, || {
        let (input, _) = counted(lines(&["a=1", "b=2"]));
        let mut stream = parse(input);
        for expected in [record("a", 1), record("b", 2)] {
            assert_eq!(block_on(stream.next()).map(seen), Some(expected));
        }
        for call in 1..=3 {
            assert!(
                block_on(stream.next()).is_none(),
                "call {call} after the last record: the input has ended, so the stream \
                 has, and it keeps returning None"
            );
        }
        let (input, given) = counted(lines(&["oops", "a=1"]));
        let mut stream = parse(input);
        let first = block_on(stream.next()).map(seen);
        assert_error_of_line(first.as_ref(), 1, &[], "`oops` is line 1");
        let read = given.load(Ordering::SeqCst);
        for call in 1..=3 {
            let item = block_on(stream.next()).map(seen);
            assert!(
                item.is_none(),
                "call {call} after the error gave {item:?}: a stream that stopped at an error \
                 has ended, and it keeps returning None"
            );
        }
        assert_eq!(
            given.load(Ordering::SeqCst),
            read,
            "polled after its error, the stream read on: a stream that stopped at an error \
             stays stopped"
        );
    });
}

#[test]
fn records_numbers_lines_from_1() {
    for text in [&["oops"][..], &["a=1", "b=2", "oops"][..]] {
        let got = all_items(lines(text));
        let line = text.len();
        assert_error_of_line(
            got.last(),
            line,
            &got,
            &format!("the bad line `oops` is line {line} of {text:?}"),
        );
    }
}

#[test]
fn records_skips_blank_lines_but_counts_them() {
    let got = all_items(lines(&["a=1", "", "   ", "b=2", "", "oops"]));
    if let Some(Seen::BadLine(line, _)) = got.get(1) {
        panic!(
            "the stream stopped with an error for line {line}, right after line 1; but lines \
             2, 3 and 5 are blank, and a blank line is not an error: skip it (all items: \
             {got:?})"
        );
    }
    assert_eq!(
        got.get(..2),
        Some(&[record("a", 1), record("b", 2)][..]),
        "lines 1 and 4 are records (the lines between are blank): their records come first \
         (all items: {got:?})"
    );
    assert_error_of_line(
        got.get(2),
        6,
        &got,
        "`oops` is line 6, after the blank lines 2, 3 and 5",
    );
}

#[test]
fn records_yields_a_read_error_and_ends() {
    let (input, given) =
        counted(stream::iter([Ok("a=1".to_owned()), read_error(), Ok("b=2".to_owned())]).boxed());
    let got = all_items(input);
    assert_eq!(
        got,
        [record("a", 1), Seen::Read("disk on fire".to_owned())],
        "the input gave line 1, then a read error: the stream yields the record, then \
         `Err(ParseError::Read(that error))`, and ends (a read error stops the stream as a \
         bad line does; `?` on the input's error converts it with `From`)"
    );
    assert_eq!(
        given.load(Ordering::SeqCst),
        2,
        "after the read error, nothing more is read"
    );
}

#[test]
fn records_reads_lines_only_as_the_consumer_asks() {
    const ENDLESS: &str = "the first items of `records` never came from an endless input \
        (line 3 is bad, the others are records). The stream must not read all the lines \
        before it yields: read one line, yield its record (or its error), and read the \
        next only when the consumer asks for the next item";
    support::watchdog(ENDLESS, || {
        let endless = stream::iter(1..).map(|n: i64| {
            Ok(if n == 3 {
                "oops".to_owned()
            } else {
                format!("k{n}={n}")
            })
        });
        let (input, given) = counted(endless.boxed());
        let mut stream = parse(input);
        assert_eq!(
            given.load(Ordering::SeqCst),
            0,
            "`records(lines)` read a line before its stream was polled: read nothing until \
             the consumer asks (`try_stream!` runs its body only when polled)"
        );
        let mut items = Vec::new();
        for (asked, expected) in [
            record("k1", 1),
            record("k2", 2),
            Seen::BadLine(3, LineError::NoEquals),
        ]
        .into_iter()
        .enumerate()
        {
            let item = block_on(stream.next()).map(seen);
            items.extend(item.clone());
            if let Seen::BadLine(line, _) = expected {
                assert_error_of_line(item.as_ref(), line, &items, "item 3 of an endless input");
            } else {
                assert_eq!(
                    item,
                    Some(expected),
                    "item {n} of an endless input whose line 3 is bad must be the record of \
                     line {n}, `k{n}={n}` (items so far: {items:?}): each record comes out as \
                     soon as its line is read, and none before the error is lost",
                    n = asked + 1
                );
            }
            let read = given.load(Ordering::SeqCst);
            assert_eq!(
                read,
                asked + 1,
                "after item {} (from line {}), the stream had read {read} lines: read only \
                 the lines the consumer's item needs, one at a time",
                asked + 1,
                asked + 1
            );
        }
        let after = block_on(stream.next()).map(seen);
        assert!(
            after.is_none(),
            "after the error of line 3 the stream must end, but it gave {after:?}: a stream \
             that stops at an error yields nothing after it"
        );
        assert_eq!(
            given.load(Ordering::SeqCst),
            3,
            "after the error on line 3, the stream read on"
        );
    });
}

/// Polls the stream in its mock task once.
fn next(stream: &mut task::Spawn<Records>) -> Poll<Option<Seen>> {
    stream.poll_next().map(|item| item.map(seen))
}

/// Polls until the stream returns Pending without having woken itself (a few
/// spurious wake-ups are allowed), and returns that result; fails the test if
/// it keeps waking itself.
fn settle(stream: &mut task::Spawn<Records>) -> Poll<Option<Seen>> {
    for _ in 0..5 {
        let result = next(stream);
        if result.is_ready() || !stream.is_woken() {
            return result;
        }
    }
    panic!("the stream of `records` {BUSY}")
}

const BUSY: &str = "returned Pending and woke its own task, 5 times in a row, while no \
    line was coming: a busy loop (it will be polled again and again, burning a core, while \
    it waits). Return Pending without waking: the input wakes the task when a line comes \
    (`.await` on the input, or polling it with `cx`, arranges that).";

#[test]
fn records_is_woken_when_the_next_line_arrives() {
    support::watchdog(NEVER_RETURNED, || {
        let (tx, rx) = mpsc::unbounded();
        let mut stream = task::spawn(parse(rx.boxed()));
        assert_eq!(
            settle(&mut stream),
            Poll::Pending,
            "no line has come yet: the stream must return Pending"
        );
        tx.unbounded_send(Ok("a=1".to_owned())).unwrap();
        assert!(
            stream.is_woken(),
            "the stream returned Pending, then a line arrived, but the task was not woken: a \
             lost wake-up. Wait for the line with the input itself (`.await` on its next \
             item, or `poll_next` with this `cx`), so that its arrival wakes the task."
        );
        assert_eq!(
            next(&mut stream),
            Poll::Ready(Some(record("a", 1))),
            "woken by the line `a=1`, the next poll yields its record at once (not after \
             more lines, nor after the input's end)"
        );
        assert_eq!(settle(&mut stream), Poll::Pending, "no more lines yet");
        drop(tx);
        assert!(
            stream.is_woken(),
            "the input ended (its sender was dropped), but the task was not woken: a lost \
             wake-up"
        );
        assert_eq!(
            next(&mut stream),
            Poll::Ready(None),
            "the input has ended, so the stream ends"
        );
    });
}

#[test]
fn records_does_not_wake_itself_while_waiting_for_a_line() {
    support::watchdog(NEVER_RETURNED, || {
        let (tx, rx) = mpsc::unbounded();
        let mut stream = task::spawn(parse(rx.boxed()));
        if settle(&mut stream).is_ready() {
            panic!("no line has come yet: the stream must return Pending");
        }
        tx.unbounded_send(Ok("a=1".to_owned())).unwrap();
        let _ = stream.poll_next();
        assert_eq!(
            settle(&mut stream),
            Poll::Pending,
            "after its record, nothing more has come yet"
        );
    });
}

/// `skip_bad(input)`, run to its end under the watchdog.
fn skip_all(input: Lines) -> io::Result<Summary> {
    support::watchdog(NEVER_RETURNED, move || block_on(skipping(input)))
}

fn records_of(pairs: &[(&str, i64)]) -> Vec<Record> {
    pairs
        .iter()
        .map(|&(name, value)| Record {
            name: name.to_owned(),
            value,
        })
        .collect()
}

#[test]
fn skip_bad_keeps_every_good_record_and_counts_the_bad_lines() {
    let (input, _) = counted(lines(&["a=1", "x", "b=2", "=3", "c=q", "d=4"]));
    let summary = skip_all(input).unwrap_or_else(|error| {
        panic!(
            "no line failed to read, but skip_bad returned Err({error}): the skip policy never \
             gives up on a bad line"
        )
    });
    assert_eq!(
        summary.records,
        records_of(&[("a", 1), ("b", 2), ("d", 4)]),
        "the records of lines 1, 3 and 6, in order: the skip policy goes on after a bad \
         line (line 2 is the first) to the end of the input"
    );
    assert_eq!(
        summary.skipped, 3,
        "`x`, `=3` and `c=q` are not records (no `=`, no name, not a number): skipped counts \
         each bad line once"
    );
}

#[test]
fn skip_bad_does_not_count_blank_lines() {
    let summary = skip_all(lines(&["", "a=1", "   ", "x", ""]));
    let summary = summary.unwrap_or_else(|error| {
        panic!("no line failed to read, but skip_bad returned Err({error})")
    });
    assert_eq!(
        summary.records,
        records_of(&[("a", 1)]),
        "the one record, on line 2 between blank lines"
    );
    assert_eq!(
        summary.skipped, 1,
        "one bad line (`x`) among three blank ones: blank lines are skipped, but they are not \
         bad lines, so skipped is 1"
    );
    assert_eq!(
        skip_all(lines(&[])).ok(),
        Some(Summary::default()),
        "no lines at all: no records, nothing skipped"
    );
}

#[test]
fn skip_bad_stops_at_a_read_error_and_returns_it() {
    let (input, given) = counted(
        stream::iter([
            Ok("a=1".to_owned()),
            Ok("x".to_owned()),
            read_error(),
            Ok("b=2".to_owned()),
        ])
        .boxed(),
    );
    match skip_all(input) {
        Err(error) => assert_eq!(
            error.to_string(),
            "disk on fire",
            "skip_bad must return the input's own read error"
        ),
        Ok(summary) if given.load(Ordering::SeqCst) < 3 => panic!(
            "skip_bad returned Ok({summary:?}) after reading only {} lines, before the read \
             error on line 3: the skip policy goes on after a bad line (`x`, line 2), to the \
             end of the input or to a read error",
            given.load(Ordering::SeqCst)
        ),
        Ok(summary) => panic!(
            "the third line could not be read, but skip_bad returned Ok({summary:?}). A read \
             error is not a bad line: nobody knows what the lost line held, nor whether the \
             input can go on. Skip bad lines, but return a read error \
             (`try_next().await?`)."
        ),
    }
    assert_eq!(
        given.load(Ordering::SeqCst),
        3,
        "after the read error, skip_bad read on"
    );
}

#[test]
fn skip_bad_waits_for_the_end_of_its_input() {
    support::watchdog(NEVER_RETURNED, || {
        let (tx, rx) = mpsc::unbounded();
        let mut future = task::spawn(skipping(rx.boxed()));
        let settle = |future: &mut task::Spawn<Skipping>, what: &str| {
            for _ in 0..5 {
                let poll = future.poll();
                if let Poll::Ready(result) = poll {
                    panic!(
                        "{what}, but skip_bad returned {result:?}: it reads the input to its \
                         end, and the input is still open"
                    );
                }
                if !future.is_woken() {
                    return;
                }
            }
            panic!("skip_bad {BUSY}");
        };
        settle(&mut future, "no line has come yet");
        tx.unbounded_send(Ok("a=1".to_owned())).unwrap();
        assert!(
            future.is_woken(),
            "skip_bad returned Pending, then a line arrived, but the task was not woken: a \
             lost wake-up"
        );
        settle(&mut future, "one line came");
        tx.unbounded_send(Ok("x".to_owned())).unwrap();
        settle(&mut future, "two lines came");
        drop(tx);
        assert!(
            future.is_woken(),
            "the input ended (its sender was dropped), but the task was not woken: a lost \
             wake-up"
        );
        match future.poll() {
            Poll::Ready(Ok(summary)) => assert_eq!(
                summary,
                Summary {
                    records: records_of(&[("a", 1)]),
                    skipped: 1
                }
            ),
            other => panic!("the input has ended: skip_bad must return its summary, got {other:?}"),
        }
    });
}
