//! Another right answer: tokio-util's `LinesCodec` inside, its errors
//! turned into items. Its limit counts a line's `\r` (its `\n` search
//! stops after `max_length + 1` bytes), so it gets one byte more, and a
//! line it lets through is measured again without its `\r`. After a
//! `MaxLineLengthExceeded` it drops the rest of the line itself, as it
//! arrives, up to the `\n` (from the next call on: the error leaves the
//! buffer as it was); and its `decode_eof` gives a last line without `\n`.
//! (Its only other error, the `Io` one, is the bad UTF-8: it has taken the
//! line out of the buffer by then.)
//! expect: pass

use std::io;

use futures::{SinkExt, StreamExt};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_util::bytes::BytesMut;
use tokio_util::codec::{Decoder, Encoder, Framed, LinesCodec, LinesCodecError};

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
    lines: LinesCodec,
}

impl LineCodec {
    /// A codec for lines of at most `max_len` bytes.
    pub fn new(max_len: usize) -> Self {
        LineCodec {
            max_len,
            // One more for the `\r` of a `\r\n`, which `LinesCodec` counts.
            lines: LinesCodec::new_with_max_length(max_len.saturating_add(1)),
        }
    }

    // ANCHOR: wrap
    /// What `LinesCodec` said, as an item.
    fn line(&self, decoded: Result<Option<String>, LinesCodecError>) -> io::Result<Option<Line>> {
        match decoded {
            Ok(None) => Ok(None),
            // Let through by the limit of `max_len + 1`, `\r` taken off:
            // still one byte too many if there was no `\r`.
            Ok(Some(text)) if text.len() > self.max_len => Ok(Some(Line::TooLong)),
            Ok(Some(text)) => Ok(Some(Line::Text(text))),
            Err(LinesCodecError::MaxLineLengthExceeded) => Ok(Some(Line::TooLong)),
            Err(LinesCodecError::Io(error)) if error.kind() == io::ErrorKind::InvalidData => {
                Ok(Some(Line::NotUtf8))
            }
            Err(LinesCodecError::Io(error)) => Err(error),
        }
    }
    // ANCHOR_END: wrap
}

impl Decoder for LineCodec {
    type Item = Line;
    type Error = io::Error;

    fn decode(&mut self, buf: &mut BytesMut) -> io::Result<Option<Line>> {
        let decoded = self.lines.decode(buf);
        self.line(decoded)
    }

    fn decode_eof(&mut self, buf: &mut BytesMut) -> io::Result<Option<Line>> {
        let decoded = self.lines.decode_eof(buf);
        self.line(decoded)
    }
}

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
    while let Some(line) = lines.next().await {
        let reply = match line? {
            Line::Text(text) => text,
            bad => bad.error_reply(max_len).unwrap_or_default(),
        };
        lines.send(reply).await?;
    }
    Ok(())
}
