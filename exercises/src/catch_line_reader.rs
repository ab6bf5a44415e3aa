//! `catch_line_reader`: the code is given, and you write the tests, with
//! mocked I/O.
//!
//! The subject is `subjects::lines::LineReader` (read it:
//! `subjects/src/reference/lines.rs`). It promises: one item per line, in
//! order: `Ok(line)` without its `\n`, and without the `\r` of a `\r\n`; a
//! line that arrives over several reads comes out whole; an empty line is
//! `Ok("")`, not the end; the bytes after the last `\n`, if any, are a last
//! line; a read that is not ready yet is waited for, never taken for the
//! end; an I/O error comes out as an `Err`, then the stream ends; at the end
//! of the input, `None`.
//!
//! The reference is correct; six hidden versions of it are not. Your tests
//! must all pass against the reference and catch every bug: the suite runs
//! them against each version and tells you how many bugs they caught, and
//! what the ones they missed do wrong.
//!
//! Replace each `todo!()` with a test of the behaviour its comment names;
//! add more if you like. The tool: `tokio_test::io::Builder`, a reader that
//! plays a script: `.read(b"…")` is what one read call gets, `.read_error(e)`
//! a failed read, `.wait(duration)` a pause before the next read (on tokio's
//! clock: with `start_paused = true` it takes no real time); `.build()` makes
//! the `Mock` to hand to `LineReader::new`. An `io::Error` cannot be
//! compared: compare its `.kind()`.

use std::io;
use std::time::Duration;

use futures::StreamExt;
use subjects::lines::LineReader;
use tokio::time;
use tokio_test::io::{Builder, Mock};

/// Each line in order, without its `\n` or `\r\n`.
#[tokio::test(start_paused = true)]
async fn reads_lines_in_order_without_their_line_endings() {
    todo!("a script of one read with three lines, one of them ending in `\\r\\n`")
}

/// A line that arrives over several reads comes out whole, once.
#[tokio::test(start_paused = true)]
async fn a_line_split_across_reads_comes_out_whole() {
    todo!("a script whose reads end in the middle of a line")
}

/// The bytes after the last `\n` are a last line.
#[tokio::test(start_paused = true)]
async fn a_last_line_without_newline_is_not_lost() {
    todo!("a script whose input does not end with `\\n`")
}

/// An empty line is a line (`""`), not the end of the input.
#[tokio::test(start_paused = true)]
async fn an_empty_line_is_a_line_not_the_end() {
    todo!("a script with an empty line between two others")
}

/// An I/O error comes out as an `Err`, then the stream ends: it is not
/// taken for the end of the input.
#[tokio::test(start_paused = true)]
async fn an_io_error_is_reported_not_taken_for_the_end() {
    todo!("a script with a `read_error` after a line")
}

/// A read that must wait is waited for: a pause is not the end.
#[tokio::test(start_paused = true)]
async fn waits_for_a_line_that_comes_after_a_pause() {
    todo!("a script with a `wait` between two lines")
}
