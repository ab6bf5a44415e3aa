//! `relay_codec`: lines on a socket. A `Decoder` that cuts a byte stream
//! into lines of bounded length, and a connection that echoes them.
//!
//! The lesson is that a bad line is data, not a broken stream. `FramedRead`
//! (and `Framed`) stop after the first error a decoder returns, so anything
//! the connection must survive (a line too long, bytes that are not UTF-8)
//! is an *item*, [`Line::TooLong`] or [`Line::NotUtf8`], and only real I/O
//! failures are errors. And an over-long line is thrown away as it arrives,
//! up to its `\n`: a client that sends 100 MB without a newline costs the
//! server `max_len` bytes, not 100 MB.
//!
//! This file is also the capstone's given codec: the relay server
//! (`relay_server`) uses it through the `relay` crate. It uses nothing but
//! std, tokio, tokio-util and futures.

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

// ANCHOR: error_reply
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
// ANCHOR_END: error_reply

// ANCHOR: state
/// Lines of at most `max_len` bytes (not counting `\n` / `\r\n`) in, lines
/// out (`\n` appended).
#[derive(Debug)]
pub struct LineCodec {
    max_len: usize,
    /// How many bytes at the front of the buffer are already known to hold
    /// no `\n`: the next `decode` searches only what came after them.
    searched: usize,
    /// An over-long line has been reported, and its rest is being thrown
    /// away as it arrives, up to and including its `\n`.
    discarding: bool,
}

impl LineCodec {
    /// A codec for lines of at most `max_len` bytes.
    pub fn new(max_len: usize) -> Self {
        LineCodec {
            max_len,
            searched: 0,
            discarding: false,
        }
    }
}
// ANCHOR_END: state

/// What one complete line is, given its bytes without the `\n`.
fn line(bytes: &[u8], max_len: usize) -> Line {
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    if bytes.len() > max_len {
        return Line::TooLong;
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Line::Text(text.to_owned()),
        Err(_) => Line::NotUtf8,
    }
}

fn find_newline(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&byte| byte == b'\n')
}

// ANCHOR: decoder
impl Decoder for LineCodec {
    type Item = Line;
    // Only for I/O errors: a bad line is an item. After a decoder error,
    // `FramedRead` ends the stream.
    type Error = io::Error;

    fn decode(&mut self, buf: &mut BytesMut) -> io::Result<Option<Line>> {
        // ANCHOR: discard
        if self.discarding {
            match find_newline(buf) {
                // The end of the over-long line: drop it with its `\n`,
                // and go on with the next line.
                Some(newline) => {
                    buf.advance(newline + 1);
                    self.discarding = false;
                }
                // Still inside it: drop everything, keep nothing.
                None => {
                    buf.clear();
                    return Ok(None);
                }
            }
        }
        // ANCHOR_END: discard
        // ANCHOR: search
        // A line of `max_len` bytes, a `\r` and its `\n` fit in `max_len + 2`
        // bytes: never look (or wait) further than that for the `\n`.
        let window = buf.len().min(self.max_len.saturating_add(2));
        if let Some(newline) = find_newline(&buf[self.searched..window]) {
            let end = self.searched + newline;
            self.searched = 0;
            let bytes = buf.split_to(end + 1);
            return Ok(Some(line(&bytes[..end], self.max_len)));
        }
        self.searched = window;
        // No `\n` yet. The line is too long once it has `max_len + 1` bytes,
        // unless the last of them is a `\r` that a `\n` may follow.
        let limit = self.max_len.saturating_add(1);
        let too_long = window > limit || (window == limit && buf[window - 1] != b'\r');
        if too_long {
            // Report it now, drop what has come of it, and drop the rest as
            // it comes. The buffer never holds more than `max_len + 2` bytes
            // of one line.
            buf.advance(window);
            self.searched = 0;
            self.discarding = true;
            return Ok(Some(Line::TooLong));
        }
        Ok(None)
        // ANCHOR_END: search
    }

    // ANCHOR: eof
    /// At the end of the input: the bytes after the last `\n`, if any, are a
    /// last line, as if a `\n` followed them.
    fn decode_eof(&mut self, buf: &mut BytesMut) -> io::Result<Option<Line>> {
        if let Some(line) = self.decode(buf)? {
            return Ok(Some(line));
        }
        // No whole line is left. If the input ended inside an over-long line,
        // that was reported and `decode` has dropped its bytes; otherwise
        // what is left (at most `max_len + 1` bytes) is a last line.
        self.discarding = false;
        self.searched = 0;
        if buf.is_empty() {
            return Ok(None);
        }
        // Without the `decode_eof` of our own, the trait's would report these
        // bytes as an error ("bytes remaining on stream").
        let bytes = buf.split();
        Ok(Some(line(&bytes, self.max_len)))
    }
    // ANCHOR_END: eof
}
// ANCHOR_END: decoder

// ANCHOR: encoder
impl Encoder<String> for LineCodec {
    type Error = io::Error;

    fn encode(&mut self, line: String, buf: &mut BytesMut) -> io::Result<()> {
        buf.reserve(line.len() + 1);
        buf.put_slice(line.as_bytes());
        buf.put_u8(b'\n');
        Ok(())
    }
}
// ANCHOR_END: encoder

// ANCHOR: serve_lines
/// One connection, as a line echo service: every good line is written
/// back; a bad one gets an error line back and the connection stays up.
/// Returns when the client has closed its side (EOF).
pub async fn serve_lines<S>(stream: S, max_len: usize) -> io::Result<()>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut lines = Framed::new(stream, LineCodec::new(max_len));
    // `None`: the client has closed its side, and every line it sent has
    // been answered. `Some(Err(..))`: the connection itself failed.
    while let Some(line) = lines.next().await {
        let reply = match line? {
            Line::Text(text) => text,
            bad => bad.error_reply(max_len).unwrap_or_default(),
        };
        // `send` writes the reply out and flushes it before the next line
        // is read (`feed` would leave it in `Framed`'s buffer).
        lines.send(reply).await?;
    }
    Ok(())
}
// ANCHOR_END: serve_lines
