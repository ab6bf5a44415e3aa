//! Mistake: notices the over-long line in time, reports it and empties the
//! buffer, and forgets that the line is not over: whatever comes next,
//! before its `\n`, is taken for new lines. The rest of a long line gives
//! more `TooLong`s, and its last bytes come out as a line of their own.
//! The codec has to remember that it is inside a line it is dropping, until
//! the `\n`.
//! expect: fail a_too_long_line_is_reported_once_and_dropped_up_to_its_newline "everything up to and including its"
//! expect: fail a_line_of_megabytes_without_a_newline_is_not_kept "expected one `TooLong`"

use std::io;

use futures::{SinkExt, StreamExt};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_util::bytes::{BufMut, BytesMut};
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
}

impl LineCodec {
    /// A codec for lines of at most `max_len` bytes.
    pub fn new(max_len: usize) -> Self {
        LineCodec { max_len }
    }

    fn line(&self, bytes: &[u8]) -> Line {
        let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        if bytes.len() > self.max_len {
            return Line::TooLong;
        }
        match std::str::from_utf8(bytes) {
            Ok(text) => Line::Text(text.to_owned()),
            Err(_) => Line::NotUtf8,
        }
    }
}

impl Decoder for LineCodec {
    type Item = Line;
    type Error = io::Error;

    // ANCHOR: decoder
    fn decode(&mut self, buf: &mut BytesMut) -> io::Result<Option<Line>> {
        let window = buf.len().min(self.max_len + 2);
        if let Some(newline) = buf[..window].iter().position(|&byte| byte == b'\n') {
            let bytes = buf.split_to(newline + 1);
            return Ok(Some(self.line(&bytes[..newline])));
        }
        if buf.len() > self.max_len + 1 {
            // Too long: report it and drop what has come. But the line goes
            // on, and nothing remembers that.
            buf.clear();
            return Ok(Some(Line::TooLong));
        }
        Ok(None)
    }
    // ANCHOR_END: decoder

    fn decode_eof(&mut self, buf: &mut BytesMut) -> io::Result<Option<Line>> {
        if let Some(line) = self.decode(buf)? {
            return Ok(Some(line));
        }
        if buf.is_empty() {
            return Ok(None);
        }
        let bytes = buf.split();
        Ok(Some(self.line(&bytes)))
    }
}

impl Encoder<String> for LineCodec {
    type Error = io::Error;

    fn encode(&mut self, line: String, buf: &mut BytesMut) -> io::Result<()> {
        buf.reserve(line.len() + 1);
        buf.put_slice(line.as_bytes());
        buf.put_u8(b'\n');
        Ok(())
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
    while let Some(line) = lines.next().await {
        let reply = match line? {
            Line::Text(text) => text,
            bad => bad.error_reply(max_len).unwrap_or_default(),
        };
        lines.send(reply).await?;
    }
    Ok(())
}
