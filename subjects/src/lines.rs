//! The subject of `catch_line_reader`: the lines of an `AsyncRead`, as a
//! stream.
//!
//! What it promises (the reference is `subjects/src/reference/lines.rs`):
//! one item per line, in order: `Ok(line)` without its `\n`, and without the
//! `\r` of a `\r\n`; a line that arrives in pieces, over several reads, comes
//! out whole; an empty line is `Ok("")`, not the end; the bytes after the
//! last `\n`, if any, are a last line; a read that is not ready yet is waited
//! for, never taken for the end; an I/O error is yielded as `Err` (once),
//! and then the stream ends; at the end of the input, `None`.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::Stream;
use tokio::io::AsyncRead;

use crate::bugs::lines::{
    drops_the_last_line, ends_at_an_empty_line, ends_when_a_read_must_wait,
    keeps_the_carriage_return, splits_lines_at_read_boundaries, takes_an_error_for_the_end,
};
use crate::{Bug, UNKNOWN_SUBJECT, chosen, reference};

/// The hidden buggy versions of [`LineReader`].
pub const BUGS: &[Bug] = &[
    splits_lines_at_read_boundaries::BUG,
    drops_the_last_line::BUG,
    keeps_the_carriage_return::BUG,
    ends_at_an_empty_line::BUG,
    takes_an_error_for_the_end::BUG,
    ends_when_a_read_must_wait::BUG,
];

/// The input of every implementation: any `AsyncRead`, boxed.
pub(crate) type Input = Pin<Box<dyn AsyncRead + Send>>;
/// What every implementation returns: a stream of lines.
pub(crate) type Lines = Pin<Box<dyn Stream<Item = io::Result<String>> + Send>>;

/// The lines of an `AsyncRead` (see the module's documentation for the exact
/// promise). Poll it inside a tokio runtime if its reader needs one (a
/// `tokio_test::io::Mock` with a `wait` does).
///
/// Which implementation runs (the reference, or a hidden bug) is chosen
/// when it is created: see [`crate::SUBJECT_VAR`].
pub struct LineReader {
    inner: Lines,
}

impl LineReader {
    /// The lines of `reader`, read as they arrive.
    pub fn new(reader: impl AsyncRead + Send + 'static) -> Self {
        let input: Input = Box::pin(reader);
        let inner = match chosen(BUGS) {
            None => reference::lines::lines(input),
            Some(splits_lines_at_read_boundaries::BUG) => {
                splits_lines_at_read_boundaries::lines(input)
            }
            Some(drops_the_last_line::BUG) => drops_the_last_line::lines(input),
            Some(keeps_the_carriage_return::BUG) => keeps_the_carriage_return::lines(input),
            Some(ends_at_an_empty_line::BUG) => ends_at_an_empty_line::lines(input),
            Some(takes_an_error_for_the_end::BUG) => takes_an_error_for_the_end::lines(input),
            Some(ends_when_a_read_must_wait::BUG) => ends_when_a_read_must_wait::lines(input),
            Some(bug) => unreachable!("{} {UNKNOWN_SUBJECT}", bug.name),
        };
        Self { inner }
    }
}

impl Stream for LineReader {
    type Item = io::Result<String>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl std::fmt::Debug for LineReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LineReader")
    }
}
