//! Mistake: cuts at `\n` and nowhere else, so a line from a client that
//! ends its lines with `\r\n` (telnet, many protocols, Windows tools)
//! keeps its `\r`: the echo sends `hello\r` back, the relay would pass
//! the `\r` on to everyone, and the `\r` counts against the limit. The
//! contract takes the one `\r` before the `\n` off, and only that one.
//! expect: fail decodes_lines_without_their_newline_or_the_carriage_return_before_it "without the `\r` of a `\r\n`"
//! expect: fail a_line_of_max_len_bytes_is_text_and_one_byte_more_is_too_long "not the `\r` of a `\r\n`"
//! expect: fail echoes_each_line_as_soon_as_it_arrives "got "wörld\r""

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
    discarding: bool,
}

impl LineCodec {
    /// A codec for lines of at most `max_len` bytes.
    pub fn new(max_len: usize) -> Self {
        LineCodec {
            max_len,
            discarding: false,
        }
    }

    // ANCHOR: line
    fn line(&self, bytes: &[u8]) -> Line {
        if bytes.len() > self.max_len {
            return Line::TooLong;
        }
        match std::str::from_utf8(bytes) {
            Ok(text) => Line::Text(text.to_owned()),
            Err(_) => Line::NotUtf8,
        }
    }
    // ANCHOR_END: line
}

impl Decoder for LineCodec {
    type Item = Line;
    type Error = io::Error;

    fn decode(&mut self, buf: &mut BytesMut) -> io::Result<Option<Line>> {
        if self.discarding {
            match buf.iter().position(|&byte| byte == b'\n') {
                Some(newline) => {
                    buf.advance(newline + 1);
                    self.discarding = false;
                }
                None => {
                    buf.clear();
                    return Ok(None);
                }
            }
        }
        let window = buf.len().min(self.max_len + 1);
        if let Some(newline) = buf[..window].iter().position(|&byte| byte == b'\n') {
            let bytes = buf.split_to(newline + 1);
            return Ok(Some(self.line(&bytes[..newline])));
        }
        if buf.len() > self.max_len {
            buf.clear();
            self.discarding = true;
            return Ok(Some(Line::TooLong));
        }
        Ok(None)
    }

    fn decode_eof(&mut self, buf: &mut BytesMut) -> io::Result<Option<Line>> {
        if let Some(line) = self.decode(buf)? {
            return Ok(Some(line));
        }
        self.discarding = false;
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
