//! Another right answer: a decoder that takes every byte out of the
//! `BytesMut` at once and keeps the line it is in the middle of in a buffer
//! of its own, never more than `max_len + 1` bytes of it. It looks at one
//! byte at a time instead of searching for the `\n`, and it reports an
//! over-long line when its `\n` comes, not as soon as the limit is passed
//! (the contract allows both). `serve_lines` splits the stream in two, a
//! `FramedRead` and a `FramedWrite`, each with a codec of its own.
//! expect: pass

use std::io;

use futures::{SinkExt, StreamExt};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_util::bytes::{Buf, BufMut, BytesMut};
use tokio_util::codec::{Decoder, Encoder, FramedRead, FramedWrite};

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
    /// The line so far, while it is short enough (up to `max_len` bytes and
    /// a possible `\r`).
    line: Vec<u8>,
    /// The line so far is too long: its bytes are dropped until its `\n`.
    too_long: bool,
}

impl LineCodec {
    /// A codec for lines of at most `max_len` bytes.
    pub fn new(max_len: usize) -> Self {
        LineCodec {
            max_len,
            line: Vec::new(),
            too_long: false,
        }
    }

    /// The line so far, as an item; the codec starts a new line.
    fn take_line(&mut self) -> Line {
        let mut bytes = std::mem::take(&mut self.line);
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
        if std::mem::take(&mut self.too_long) || bytes.len() > self.max_len {
            return Line::TooLong;
        }
        String::from_utf8(bytes).map_or(Line::NotUtf8, Line::Text)
    }
}

// ANCHOR: decoder
impl Decoder for LineCodec {
    type Item = Line;
    type Error = io::Error;

    fn decode(&mut self, buf: &mut BytesMut) -> io::Result<Option<Line>> {
        while buf.has_remaining() {
            let byte = buf.get_u8();
            if byte == b'\n' {
                return Ok(Some(self.take_line()));
            }
            if self.too_long {
                continue;
            }
            // Room for `max_len` bytes and a `\r`; one more byte and the line
            // is too long, whatever follows.
            if self.line.len() > self.max_len {
                self.line.clear();
                self.too_long = true;
            } else {
                self.line.push(byte);
            }
        }
        Ok(None)
    }

    fn decode_eof(&mut self, buf: &mut BytesMut) -> io::Result<Option<Line>> {
        if let Some(line) = self.decode(buf)? {
            return Ok(Some(line));
        }
        if self.line.is_empty() && !self.too_long {
            return Ok(None);
        }
        Ok(Some(self.take_line()))
    }
}
// ANCHOR_END: decoder

impl Encoder<String> for LineCodec {
    type Error = io::Error;

    fn encode(&mut self, line: String, buf: &mut BytesMut) -> io::Result<()> {
        buf.reserve(line.len() + 1);
        buf.put_slice(line.as_bytes());
        buf.put_u8(b'\n');
        Ok(())
    }
}

// ANCHOR: serve_lines
/// One connection, as a line echo service: every good line is written
/// back; a bad one gets an error line back and the connection stays up.
/// Returns when the client has closed its side (EOF).
pub async fn serve_lines<S>(stream: S, max_len: usize) -> io::Result<()>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let (reader, writer) = tokio::io::split(stream);
    let mut lines = FramedRead::new(reader, LineCodec::new(max_len));
    let mut replies = FramedWrite::new(writer, LineCodec::new(max_len));
    while let Some(line) = lines.next().await {
        let line = line?;
        let reply = match line.error_reply(max_len) {
            Some(error) => error,
            None => match line {
                Line::Text(text) => text,
                _ => unreachable!("only a good line has no error reply"),
            },
        };
        replies.send(reply).await?;
    }
    Ok(())
}
// ANCHOR_END: serve_lines
