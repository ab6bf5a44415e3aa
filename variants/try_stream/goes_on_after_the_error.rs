//! Mistake: yields each line's result, errors included, and goes on: a
//! stream of `Result`s, but no stop policy. After the first error the
//! consumer gets more records, and more errors.
//! expect: fail records_yields_nothing_after_the_error "went on after its error"
//! expect: fail records_ends_right_after_the_error_without_reading_another_line "must end at once"
//! expect: fail records_yields_a_read_error_and_ends "and ends"

use std::error::Error;
use std::fmt;
use std::io;
use std::num::ParseIntError;

use std::pin::pin;

use async_stream::stream;
use futures::{Stream, StreamExt, TryStreamExt};

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
    stream! {
        let mut lines = pin!(lines);
        let mut number = 0;
        while let Some(line) = lines.next().await {
            number += 1;
            match line {
                Ok(line) if line.trim().is_empty() => {}
                Ok(line) => {
                    // An error is yielded like a record, and the loop goes on.
                    yield parse_line(&line).map_err(|error| ParseError::BadLine { line: number, error });
                }
                Err(error) => {
                    yield Err(ParseError::Read(error));
                }
            }
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
