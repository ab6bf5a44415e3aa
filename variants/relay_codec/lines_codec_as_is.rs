//! Mistake: takes tokio-util's `LinesCodec` as it is, with its limit, and
//! loops `while let Some(Ok(line))`. `LinesCodec` reports a line that is
//! too long (and one that is not UTF-8) as an *error*, and `FramedRead`
//! ends its stream after a decoder error: the loop stops at the first bad
//! line, and the connection is over. (Its limit also counts the `\r` of a
//! `\r\n`.) A bad line has to be an item for the connection to go on.
//! expect: fail a_too_long_line_is_reported_once_and_dropped_up_to_its_newline "a bad line is data"
//! expect: fail a_bad_line_gets_an_error_line_and_the_connection_stays_up "the server's side is closed"
//! expect: fail bytes_that_are_not_utf8_make_a_not_utf8_line_and_the_next_line_decodes "FramedRead` ends its stream after a decoder error"

use std::io;

use futures::{SinkExt, StreamExt};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_util::bytes::BytesMut;
use tokio_util::codec::{Decoder, Encoder, Framed, LinesCodec};

/// What the codec made of one line of input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// A line, without its `\n` (or `\r\n`).
    Text(String),
    /// A line longer than the limit: discarded up to its `\n`.
    TooLong,
    /// A line that is not UTF-8: discarded.
    NotUtf8,
}

impl Line {
    /// The line a server sends back for a bad line, without its `\n`:
    /// `error: line too long (at most {max_len} bytes)` for
    /// [`Line::TooLong`], `error: not valid UTF-8` for [`Line::NotUtf8`];
    /// `None` for a good line.
    pub fn error_reply(&self, max_len: usize) -> Option<String> {
        match self {
            Line::Text(_) => None,
            Line::TooLong => Some(format!("error: line too long (at most {max_len} bytes)")),
            Line::NotUtf8 => Some("error: not valid UTF-8".to_owned()),
        }
    }
}

/// Lines of at most `max_len` bytes (not counting `\n` / `\r\n`) in, lines
/// out (`\n` appended).
#[derive(Debug)]
pub struct LineCodec {
    lines: LinesCodec,
}

impl LineCodec {
    /// A codec for lines of at most `max_len` bytes.
    pub fn new(max_len: usize) -> Self {
        LineCodec {
            lines: LinesCodec::new_with_max_length(max_len),
        }
    }
}

// ANCHOR: decoder
impl Decoder for LineCodec {
    type Item = Line;
    type Error = io::Error;

    fn decode(&mut self, buf: &mut BytesMut) -> io::Result<Option<Line>> {
        // Every `LinesCodecError` becomes an `io::Error`: the too-long line
        // and the bad UTF-8 included.
        let line = self.lines.decode(buf).map_err(io::Error::other)?;
        Ok(line.map(Line::Text))
    }

    fn decode_eof(&mut self, buf: &mut BytesMut) -> io::Result<Option<Line>> {
        let line = self.lines.decode_eof(buf).map_err(io::Error::other)?;
        Ok(line.map(Line::Text))
    }
}
// ANCHOR_END: decoder

impl Encoder<String> for LineCodec {
    type Error = io::Error;

    fn encode(&mut self, line: String, buf: &mut BytesMut) -> io::Result<()> {
        self.lines.encode(line, buf).map_err(io::Error::other)
    }
}

/// One connection, as a line echo service: every good line is written
/// back; a bad one gets an error line back and the connection stays up.
/// Returns when the client has closed its side (EOF).
pub async fn serve_lines<S>(stream: S, max_len: usize) -> io::Result<()>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut lines = Framed::new(stream, LineCodec::new(max_len));
    // ANCHOR: loop
    while let Some(Ok(line)) = lines.next().await {
        if let Line::Text(text) = line {
            lines.send(text).await?;
        }
    }
    // ANCHOR_END: loop
    Ok(())
}
