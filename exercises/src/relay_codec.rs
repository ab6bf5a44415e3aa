//! `relay_codec`: lines on a socket. A `Decoder` that cuts a byte stream
//! into lines of bounded length, and a connection that echoes them.
//!
//! Book: "Lines on a socket: a codec" (in the Capstone part). Test: `cargo test --test relay_codec`.

use std::io;

use futures::{SinkExt, StreamExt};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_util::bytes::{Buf, BufMut, BytesMut};
use tokio_util::codec::{Decoder, Encoder, Framed};

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
    max_len: usize,
    // Add the state your decoder keeps between two calls (and set it in `new`).
}

impl LineCodec {
    /// A codec for lines of at most `max_len` bytes.
    pub fn new(max_len: usize) -> Self {
        LineCodec { max_len }
    }
}

impl Decoder for LineCodec {
    type Item = Line;
    type Error = io::Error;

    fn decode(&mut self, buf: &mut BytesMut) -> io::Result<Option<Line>> {
        todo!("find the `\\n`; never keep more than a line's worth of bytes in `buf`")
    }

    fn decode_eof(&mut self, buf: &mut BytesMut) -> io::Result<Option<Line>> {
        todo!("the input has ended: what about bytes after the last `\\n`?")
    }
}

impl Encoder<String> for LineCodec {
    type Error = io::Error;

    fn encode(&mut self, line: String, buf: &mut BytesMut) -> io::Result<()> {
        todo!("the line, then its `\\n`")
    }
}

/// One connection, as a line echo service: every good line is written
/// back; a bad one gets an error line back and the connection stays up.
/// Returns when the client has closed its side (EOF).
pub async fn serve_lines<S>(stream: S, max_len: usize) -> io::Result<()>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    todo!("a `Framed` with your codec: read a line, send the reply, until the end")
}
