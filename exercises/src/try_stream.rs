//! `try_stream`: a stream that can fail, and two ways to deal with it.
//!
//! Book: "TryStream" (in the Composing streams part). Test:
//! `cargo test --test try_stream`.

use std::error::Error;
use std::fmt;
use std::io;
use std::num::ParseIntError;
use std::pin::pin;

use async_stream::try_stream;
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

/// The records of `lines`, in order, until the first error: policy "stop".
///
/// Blank lines (empty, or only spaces) are skipped, but they count for the
/// line numbers. At the first line that is not a record, the stream yields
/// `Err(ParseError::BadLine { line, .. })` (lines numbered from 1) and ends;
/// at the first `Err` of `lines` it yields `Err(ParseError::Read(_))` and
/// ends. Every record before the error comes out first, nothing after it,
/// and `lines` is not polled again.
///
/// The stream is lazy: it reads a line only when its consumer asks for an
/// item, and no more lines than that item needs. After its end it keeps
/// returning `None`.
pub fn records<S>(lines: S) -> impl Stream<Item = Result<Record, ParseError>>
where
    S: Stream<Item = io::Result<String>>,
{
    todo!("return `try_stream! {{ … }}`: count each line, parse it, `?` its error, `yield` it");
    // Only here so that the stub compiles (the return type needs a stream):
    // replace the whole body.
    futures::stream::empty()
}

/// Reads `lines` to the end, keeps every record and skips the lines that are
/// not records: policy "skip and count".
///
/// Blank lines are skipped and not counted; each other line that is not a
/// record is skipped and counted in [`Summary::skipped`]. A read error is not
/// a bad line: it stops the reading, and `skip_bad` returns it without
/// polling `lines` again.
pub async fn skip_bad<S>(lines: S) -> io::Result<Summary>
where
    S: Stream<Item = io::Result<String>>,
{
    todo!("read every line; keep the records, count the bad lines, stop at a read error")
}
