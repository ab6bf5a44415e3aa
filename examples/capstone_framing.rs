//! The Capstone chapter, "Lines on a socket": what tokio-util's framing does
//! with a bad line. A decoder's `Err` ends a `FramedRead`'s stream (the
//! lines after it are never read), `LinesCodec`'s limit is an error, and the
//! `Decoder` trait's own `decode_eof` calls bytes after the last `\n` an
//! error too.
//!
//! Everything reads from a byte slice (tokio's `AsyncRead` for `&[u8]`), so
//! the program needs no socket and takes no time.

use std::io;

use futures::StreamExt;
use tokio_util::bytes::{Buf, BytesMut};
use tokio_util::codec::{Decoder, FramedRead, LinesCodec, LinesCodecError};

// ANCHOR: error_ends_the_stream
async fn a_decoder_error_ends_the_stream() {
    let input: &[u8] = b"ok\nthis line is too long\nafter\n";
    let mut lines = FramedRead::new(input, LinesCodec::new_with_max_length(8));

    assert_eq!(lines.next().await.unwrap().unwrap(), "ok");
    // The over-long line is an error...
    let error = lines.next().await.unwrap().unwrap_err();
    assert!(matches!(error, LinesCodecError::MaxLineLengthExceeded));
    // ...and after an error, the stream ends: "after" is never seen.
    assert!(lines.next().await.is_none());
}
// ANCHOR_END: error_ends_the_stream

// ANCHOR: default_decode_eof
/// Cuts at `\n`, and leaves `decode_eof` to the trait.
struct NewlineOnly;

impl Decoder for NewlineOnly {
    type Item = BytesMut;
    type Error = io::Error;

    fn decode(&mut self, buf: &mut BytesMut) -> io::Result<Option<BytesMut>> {
        let Some(newline) = buf.iter().position(|&byte| byte == b'\n') else {
            return Ok(None);
        };
        let mut line = buf.split_to(newline + 1);
        line.truncate(newline);
        Ok(Some(line))
    }
}

async fn bytes_left_at_the_end_are_an_error_by_default() {
    let input: &[u8] = b"first\nlast, without a newline";
    let mut lines = FramedRead::new(input, NewlineOnly);

    assert_eq!(&lines.next().await.unwrap().unwrap()[..], b"first");
    let error = lines.next().await.unwrap().unwrap_err();
    assert_eq!(error.to_string(), "bytes remaining on stream");
}
// ANCHOR_END: default_decode_eof

// ANCHOR: lines_codec_limit
fn lines_codec_counts_the_carriage_return() {
    let mut codec = LinesCodec::new_with_max_length(4);
    // Four bytes and `\n`: a line of 4.
    let mut buf = BytesMut::from(&b"abcd\n"[..]);
    assert_eq!(codec.decode(&mut buf).unwrap().unwrap(), "abcd");
    // Four bytes and `\r\n`: the `\r` counts, and the line is too long.
    let mut buf = BytesMut::from(&b"abcd\r\n"[..]);
    assert!(codec.decode(&mut buf).is_err());
    // The error took nothing out of the buffer; the next call drops the line.
    assert_eq!(buf.remaining(), 6);
    assert_eq!(codec.decode(&mut buf).unwrap(), None);
    assert_eq!(buf.remaining(), 0);
}
// ANCHOR_END: lines_codec_limit

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    runtime.block_on(async {
        a_decoder_error_ends_the_stream().await;
        bytes_left_at_the_end_are_an_error_by_default().await;
    });
    lines_codec_counts_the_carriage_return();
    println!("capstone_framing: every claim checked");
}
