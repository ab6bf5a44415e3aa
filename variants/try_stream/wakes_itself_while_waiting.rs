//! Mistake: a hand-made stream that wakes its own task before every
//! `Pending`, "to be polled again soon": a busy loop that burns a core while
//! the input is quiet. The input already wakes the task when a line comes.
//! expect: fail records_does_not_wake_itself_while_waiting_for_a_line "busy loop"
//! expect: fail records_does_not_wake_itself_while_waiting_for_a_line "each woke itself during the poll"

use std::error::Error;
use std::fmt;
use std::io;
use std::num::ParseIntError;

use std::pin::{Pin, pin};
use std::task::{Context, Poll};

use futures::{Stream, TryStreamExt};

/// One record: a line `name=value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// What comes before the `=`, without the spaces around it; never empty.
    pub name: String,
    /// What comes after the `=`: a whole number.
    pub value: i64,
}

/// What is wrong with a line that is not a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineError {
    /// The line has no `=`.
    NoEquals,
    /// There is nothing (or only spaces) before the `=`.
    EmptyName,
    /// What follows the `=` is not a whole number that fits in an `i64`.
    BadValue(ParseIntError),
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoEquals => write!(f, "no `=` in the line"),
            Self::EmptyName => write!(f, "no name before the `=`"),
            Self::BadValue(error) => write!(f, "the value is not a whole number ({error})"),
        }
    }
}

impl Error for LineError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            Self::BadValue(error) => Some(error),
            Self::NoEquals | Self::EmptyName => None,
        }
    }
}

/// Parses one line, `name=value`: the name is what comes before the first
/// `=`, the value what follows it, each without the spaces around it (so
/// ` speed = -3 ` is the record `speed`, `-3`).
///
/// A blank line is not a record either (it has no `=`): [`records`] and
/// [`skip_bad`] skip blank lines before they parse.
pub fn parse_line(line: &str) -> Result<Record, LineError> {
    let (name, value) = line.split_once('=').ok_or(LineError::NoEquals)?;
    let name = name.trim();
    if name.is_empty() {
        return Err(LineError::EmptyName);
    }
    let value = value.trim().parse().map_err(LineError::BadValue)?;
    Ok(Record {
        name: name.to_owned(),
        value,
    })
}

/// Why [`records`] stopped.
#[derive(Debug)]
pub enum ParseError {
    /// Reading the next line failed. Nothing after it can be read.
    Read(io::Error),
    /// Line number `line` is not a record. Lines are numbered from 1 and
    /// every line the input gave counts, blank ones too: these are the
    /// numbers an editor shows beside the file.
    BadLine {
        /// The line's number, from 1.
        line: usize,
        /// What is wrong with it.
        error: LineError,
    },
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Read(error) => write!(f, "could not read the next line: {error}"),
            Self::BadLine { line, error } => write!(f, "line {line}: {error}"),
        }
    }
}

impl Error for ParseError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            Self::Read(error) => Some(error),
            Self::BadLine { error, .. } => Some(error),
        }
    }
}

/// A read error becomes a `ParseError`: this is what lets `?` pass on the
/// error of a line that could not be read.
impl From<io::Error> for ParseError {
    fn from(error: io::Error) -> Self {
        Self::Read(error)
    }
}

/// What [`skip_bad`] found: the good records, and how many lines it skipped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Every record, in the order of its line.
    pub records: Vec<Record>,
    /// How many lines were not records (blank lines do not count).
    pub skipped: usize,
}

// ANCHOR: records
/// The records of `lines`, in order, until the first error: policy "stop".
pub fn records<S>(lines: S) -> impl Stream<Item = Result<Record, ParseError>>
where
    S: Stream<Item = io::Result<String>>,
{
    Records {
        lines: Some(Box::pin(lines)),
        number: 0,
    }
}

/// The stop policy by hand. `lines` is dropped (`None`) when the stream
/// stops, so it is never polled again.
struct Records<S> {
    lines: Option<Pin<Box<S>>>,
    number: usize,
}

impl<S: Stream<Item = io::Result<String>>> Stream for Records<S> {
    type Item = Result<Record, ParseError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        // `Records` is `Unpin`: its input is pinned in its own box.
        let this = self.get_mut();
        loop {
            let Some(lines) = this.lines.as_mut() else {
                return Poll::Ready(None);
            };
            let next = match lines.as_mut().poll_next(cx) {
                Poll::Ready(next) => next,
                Poll::Pending => {
                    // "Poll me again soon": the input will wake the task
                    // anyway, and this makes the executor poll at once.
                    cx.waker().wake_by_ref();
                    return Poll::Pending;
                }
            };
            let line = match next {
                Some(Ok(line)) => line,
                Some(Err(error)) => {
                    this.lines = None;
                    return Poll::Ready(Some(Err(ParseError::Read(error))));
                }
                None => {
                    this.lines = None;
                    return Poll::Ready(None);
                }
            };
            this.number += 1;
            if line.trim().is_empty() {
                continue;
            }
            let result = parse_line(&line).map_err(|error| ParseError::BadLine {
                line: this.number,
                error,
            });
            if result.is_err() {
                this.lines = None;
            }
            return Poll::Ready(Some(result));
        }
    }
}
// ANCHOR_END: records

/// Reads `lines` to the end, keeps every record and skips the lines that are
/// not records: policy "skip and count".
pub async fn skip_bad<S>(lines: S) -> io::Result<Summary>
where
    S: Stream<Item = io::Result<String>>,
{
    let mut lines = pin!(lines);
    let mut summary = Summary::default();
    // The same `try_next().await?`, in an `async fn` this time: a read error
    // ends the function. A bad line does not: it is counted, not returned.
    while let Some(line) = lines.try_next().await? {
        if line.trim().is_empty() {
            continue;
        }
        match parse_line(&line) {
            Ok(record) => summary.records.push(record),
            Err(_) => summary.skipped += 1,
        }
    }
    Ok(summary)
}
