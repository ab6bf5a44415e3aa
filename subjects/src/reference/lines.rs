//! The reference `LineReader`: what `catch_line_reader`'s tests pin down.
//!
//! tokio's `AsyncBufReadExt::lines` does the hard part (a line split over
//! several reads, `\r\n`, a last line without `\n`); `async_stream::stream!`
//! turns its `next_line().await` loop into a `Stream`.

use async_stream::stream;
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::lines::{Input, Lines};

// ANCHOR: lines
/// The lines of `input`: `Ok(line)` for each, an `Err` for an I/O error
/// (after which the stream ends), `None` at the end of the input.
pub fn lines(input: Input) -> Lines {
    Box::pin(stream! {
        // `BufReader` reads in large chunks; `Lines` cuts them at `\n` and
        // keeps an unfinished line in its buffer until the rest arrives.
        let mut lines = BufReader::new(input).lines();
        loop {
            match lines.next_line().await {
                // `next_line` strips the `\n` and a `\r` before it.
                Ok(Some(line)) => yield Ok(line),
                // The end of the input; a last line without `\n` came before.
                Ok(None) => break,
                // An error is news for the caller, not the end of the input:
                // pass it on, then stop.
                Err(error) => {
                    yield Err(error);
                    break;
                }
            }
        }
    })
}
// ANCHOR_END: lines
