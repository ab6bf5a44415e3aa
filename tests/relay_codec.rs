//! Hidden suite for `relay_codec`: a line codec with a length limit, and one
//! connection served as a line echo.
//!
//! Contract: `LineCodec::new(max_len)` decodes a byte stream into lines. A
//! line ends at `\n`; the item is the line without its `\n`, and without the
//! one `\r` just before it if there is one (a `\r` anywhere else is data).
//! A line of at most `max_len` bytes (not counting `\n` / `\r\n`) that is
//! UTF-8 is `Line::Text`; one that is not UTF-8 is `Line::NotUtf8`; a longer
//! one is `Line::TooLong`, whatever its bytes. Every line gives exactly one
//! item, in order, and no item comes before the line's `\n` has arrived,
//! except `TooLong`, which may come as soon as the limit is passed, and
//! comes at the latest when the `\n` arrives. The rest of an over-long line
//! is dropped as it arrives, up to and including its `\n`: after `decode`
//! returns `Ok(None)`, the buffer and the codec hold at most about a line's
//! worth of bytes, however long the line (a 4 MiB line without `\n` fed in
//! 64 KiB reads: at most 64 KiB left in the buffer after any call, and the
//! whole feeding adds less than 1 MiB to the heap). A bad line is an item,
//! never an `Err`: `FramedRead` ends its stream after a decoder error. At
//! the end of the input (`decode_eof`), the bytes after the last `\n`, if
//! any, are a last line, as if a `\n` followed them (an over-long one is
//! `TooLong`, once); then `None`. Encoding a `String` writes its bytes and a
//! `\n` after whatever the buffer holds.
//!
//! `serve_lines(stream, max_len)` answers every line the client sends, in
//! order: a `Text` with the text, a bad line with `Line::error_reply`'s
//! line (`error: line too long (at most {max_len} bytes)`, `error: not
//! valid UTF-8`); each answer ends with `\n` and is written out (flushed)
//! before `serve_lines` waits for more input, so a client that waits for
//! each answer gets it. A bad line never ends the connection. When the
//! client has closed its side, `serve_lines` answers what is left (a last
//! line without `\n` included) and returns `Ok(())`; an I/O error from the
//! stream is returned as it is. It holds no more than the codec does: a
//! 4 MiB line without `\n` adds less than 1 MiB to the heap.
//!
//! Left open: a last line that is only `\r` (`Text("")` or nothing), an
//! over-long line of exactly `max_len + 1` bytes that is not UTF-8 (either
//! item), what the encoder does with a `\n` inside its text (the decoder
//! never gives one), and whether `serve_lines` shuts its write side down
//! before it returns (the suite drops the stream then).
//!
//! The codec is tested by calling `decode` and `decode_eof` on a `BytesMut`,
//! as `FramedRead` does; `serve_lines` over `tokio::io::duplex` on tokio's
//! paused clock (every wait for an answer gives up after one virtual second,
//! at once when nothing is left to run), over streams written for the suite
//! (a flood of bytes, a failing read), and once over real TCP on 127.0.0.1.

// The code under test, compiled into this suite: your `exercises/src/relay_codec.rs`,
// or the reference solution with `cargo test --features solutions`.
#[cfg_attr(not(feature = "solutions"), path = "../exercises/src/relay_codec.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/src/relay_codec.rs")]
mod relay_codec;

use std::cell::RefCell;
use std::io;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

use relay_codec::{Line, LineCodec, serve_lines};
use tokio::io::{
    AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader, ReadBuf,
    ReadHalf, WriteHalf,
};
use tokio_util::bytes::BytesMut;
use tokio_util::codec::{Decoder, Encoder};

/// The limit in most tests.
const MAX: usize = 16;

const TOO_LONG_16: &str = "error: line too long (at most 16 bytes)";
const NOT_UTF8: &str = "error: not valid UTF-8";

const NEVER_FINISHED: &str = "the test never finished (`serve_lines` must wait for \
    input with the task's waker, through the stream's `poll_read`, and must not wake \
    itself in a loop)";

fn text(line: &str) -> Line {
    Line::Text(line.to_owned())
}

fn show(bytes: &[u8]) -> String {
    if bytes.len() > 60 {
        format!(
            "{:?}… ({} bytes)",
            String::from_utf8_lossy(&bytes[..40]),
            bytes.len()
        )
    } else {
        format!("{:?}", String::from_utf8_lossy(bytes))
    }
}

// ---------------------------------------------------------------------------
// The codec, called as `FramedRead` calls it
// ---------------------------------------------------------------------------

/// What one decoding run gave: each item with the index of the chunk after
/// which it came ([`END`] for items from `decode_eof`).
type Decoded = Vec<(usize, Line)>;

/// Feeds `chunks` into one buffer, one after the other, calling `decode`
/// after each until it returns `None`, as `FramedRead` does after each read;
/// then, if `eof`, `decode_eof` until it returns `None`. Under the watchdog:
/// a decoder that loops forever fails the test.
fn decode_chunks(max_len: usize, chunks: Vec<Vec<u8>>, eof: bool) -> Decoded {
    support::watchdog(
        "`decode` (or `decode_eof`) never returned: a loop in the decoder that makes \
         no progress?",
        move || {
            let mut codec = LineCodec::new(max_len);
            let mut buf = BytesMut::new();
            let mut decoded = Vec::new();
            let input: Vec<u8> = chunks.concat();
            for (index, chunk) in chunks.iter().enumerate() {
                buf.extend_from_slice(chunk);
                drain(
                    &mut decoded,
                    index,
                    &input,
                    |buf| codec.decode(buf),
                    &mut buf,
                );
            }
            if eof {
                drain(
                    &mut decoded,
                    END,
                    &input,
                    |buf| codec.decode_eof(buf),
                    &mut buf,
                );
            }
            decoded
        },
    )
}

/// The chunk index of the items that `decode_eof` gives.
const END: usize = usize::MAX;

/// Calls `decode` (or, with `index == END`, `decode_eof`) until it returns
/// `None`, explaining an `Err`.
fn drain(
    decoded: &mut Decoded,
    index: usize,
    input: &[u8],
    mut decode: impl FnMut(&mut BytesMut) -> io::Result<Option<Line>>,
    buf: &mut BytesMut,
) {
    for _ in 0..10_000 {
        match decode(buf) {
            Ok(Some(line)) => decoded.push((index, line)),
            Ok(None) => return,
            Err(error) => panic!(
                "`{}` returned an error ({error}) on the input {} (after {} items: {:?}). \
                 A bad line is data, not a broken stream: `FramedRead` ends its stream \
                 after a decoder error (its next poll gives `None`), and the connection \
                 would be over. Return `Ok(Some(Line::TooLong))` or \
                 `Ok(Some(Line::NotUtf8))`; keep `Err` for I/O failures.{}",
                if index == END { "decode_eof" } else { "decode" },
                show(input),
                decoded.len(),
                items(decoded),
                if index == END {
                    " (The `Decoder` trait's own `decode_eof` calls any bytes after the \
                     last `\\n` an error, \"bytes remaining on stream\": a last line \
                     without `\\n` is a line, so write your own.)"
                } else {
                    ""
                },
            ),
        }
    }
    panic!(
        "the decoder returned 10000 items in a row on the input {} without returning \
         `None`: does it return an item without taking its bytes out of the buffer?",
        show(input)
    );
}

fn items(decoded: &Decoded) -> Vec<Line> {
    decoded.iter().map(|(_, line)| line.clone()).collect()
}

/// Decodes `input` given all at once, and given one byte at a time, with or
/// without the end of the input; both must give `expected`.
fn assert_decodes(max_len: usize, input: &[u8], eof: bool, expected: &[Line], concept: &str) {
    let whole = items(&decode_chunks(max_len, vec![input.to_vec()], eof));
    assert_eq!(
        whole,
        expected,
        "max_len {max_len}, the input {} given all at once{}: expected {expected:?}, got \
         {whole:?}. {concept}",
        show(input),
        if eof {
            ", then the end of the input"
        } else {
            ""
        },
    );
    let bytes = input.iter().map(|&byte| vec![byte]).collect();
    let piecewise = items(&decode_chunks(max_len, bytes, eof));
    assert_eq!(
        piecewise,
        expected,
        "max_len {max_len}, the input {} given one byte at a time (each read may end \
         anywhere, inside a line, between a `\\r` and its `\\n`, inside a UTF-8 \
         character){}: expected {expected:?}, got {piecewise:?}. {concept}",
        show(input),
        if eof {
            ", then the end of the input"
        } else {
            ""
        },
    );
}

#[test]
fn decodes_lines_without_their_newline_or_the_carriage_return_before_it() {
    assert_decodes(
        MAX,
        b"hello\nworld\r\n\nbare\rcr\n\r\ntwo\r\r\n spaces  \nnot yet",
        false,
        &[
            text("hello"),
            text("world"),
            text(""),
            text("bare\rcr"),
            text(""),
            text("two\r"),
            text(" spaces  "),
        ],
        "A line ends at `\\n`, and the item is the line without it, and without the \
         `\\r` of a `\\r\\n`; a `\\r` anywhere else is part of the line, and so are \
         spaces (no trimming). A line whose `\\n` has not come yet (\"not yet\") is no \
         item (yet).",
    );
}

#[test]
fn waits_for_the_newline_of_a_line_that_arrives_in_pieces() {
    let input = "héllo wörld\r\nnext\n";
    let bytes: Vec<Vec<u8>> = input.bytes().map(|byte| vec![byte]).collect();
    let decoded = decode_chunks(MAX, bytes, false);
    let first_newline = input.find('\n').unwrap();
    assert_eq!(
        decoded,
        vec![
            (first_newline, text("héllo wörld")),
            (input.len() - 1, text("next"))
        ],
        "the input {input:?} given one byte at a time: expected each line (as (index of \
         the byte after which it came, item)) exactly when its `\\n` has arrived, never \
         before. Until then `decode` returns `Ok(None)` and keeps the bytes it has (in \
         the buffer or in the codec), and a UTF-8 character split between two reads is \
         whole again by then."
    );
}

#[test]
fn a_line_of_max_len_bytes_is_text_and_one_byte_more_is_too_long() {
    let input = "12345678\n12345678\r\n123456789\nok\n123456789\r\nok\né234567\né2345678\nok\n";
    assert_decodes(
        8,
        input.as_bytes(),
        false,
        &[
            text("12345678"),
            text("12345678"),
            Line::TooLong,
            text("ok"),
            Line::TooLong,
            text("ok"),
            text("é234567"),
            Line::TooLong,
            text("ok"),
        ],
        "`max_len` counts the bytes of the line itself: not its `\\n`, not the `\\r` of \
         a `\\r\\n` (8 bytes and `\\r\\n` is a line of 8 bytes), and bytes, not \
         characters (\"é\" is 2 bytes).",
    );
}

#[test]
fn a_too_long_line_is_reported_once_and_dropped_up_to_its_newline() {
    let long = "x".repeat(100);
    let input = format!("{long}\nafter\n{long}\r\n{long}\nlast\n");
    let chunks: Vec<Vec<u8>> = input.as_bytes().chunks(7).map(<[u8]>::to_vec).collect();
    let decoded = decode_chunks(MAX, chunks, false);
    let got = items(&decoded);
    let expected = [
        Line::TooLong,
        text("after"),
        Line::TooLong,
        Line::TooLong,
        text("last"),
    ];
    assert_eq!(
        got, expected,
        "three lines of 100 bytes, max_len 16, in reads of 7 bytes: expected \
         {expected:?}, got {got:?}. Each over-long line is one `TooLong`, and \
         everything up to and including its `\\n` is dropped: the rest of a line is \
         not a new line, and the line after it is decoded as usual."
    );
    let newline = input.find('\n').unwrap() / 7;
    assert!(
        decoded[0].0 <= newline,
        "the first over-long line's `TooLong` came after read {}, but its `\\n` was in \
         read {newline}: a `TooLong` may come as soon as the limit is passed, and at \
         the latest with the line's `\\n`",
        decoded[0].0
    );
    assert_decodes(
        MAX,
        b"\xff\xfe not UTF-8 and far too long\nok\n",
        false,
        &[Line::TooLong, text("ok")],
        "A line over the limit is `TooLong`, whatever its bytes.",
    );
}

#[test]
fn a_line_of_megabytes_without_a_newline_is_not_kept() {
    const CHUNK: usize = 64 * 1024;
    const CHUNKS: usize = 64;
    const LIMIT: usize = 1024;
    let (after, peak) = support::watchdog(
        "`decode` never returned while a 4 MiB line came in: a loop in the decoder that \
         makes no progress?",
        || {
            let probe = support::HeapProbe::start();
            let mut codec = LineCodec::new(LIMIT);
            let mut buf = BytesMut::new();
            let mut decoded = Vec::new();
            let chunk = vec![b'x'; CHUNK];
            let input = b"x (4 MiB of them, no newline)";
            for index in 0..CHUNKS {
                buf.extend_from_slice(&chunk);
                drain(
                    &mut decoded,
                    index,
                    input,
                    |buf| codec.decode(buf),
                    &mut buf,
                );
                assert!(
                    buf.len() <= CHUNK,
                    "after {} KiB of one line without `\\n` (max_len {LIMIT}), the buffer \
                     still holds {} bytes once `decode` has returned `Ok(None)`: the \
                     decoder keeps the over-long line. A client sending 100 MB without \
                     a newline would make the server hold 100 MB. Once a line is too \
                     long, report it and drop its bytes as they come (`advance` or \
                     `clear` the buffer), up to its `\\n`.",
                    (index + 1) * CHUNK / 1024,
                    buf.len(),
                );
            }
            let peak = probe.peak();
            buf.extend_from_slice(b"\nafter\n");
            drain(
                &mut decoded,
                CHUNKS,
                b"\\nafter\\n",
                |buf| codec.decode(buf),
                &mut buf,
            );
            (items(&decoded), peak)
        },
    );
    assert!(
        peak < 1024 * 1024,
        "while a 4 MiB line without `\\n` came in (max_len {LIMIT}), the heap grew by \
         {peak} bytes: the codec keeps the over-long line somewhere (in a buffer of its \
         own?). Once a line is too long, drop its bytes as they come, up to its `\\n`; \
         a server must not hold more than about `max_len` bytes per client."
    );
    assert_eq!(
        after,
        [Line::TooLong, text("after")],
        "a 4 MiB line, then `\\nafter\\n` (max_len {LIMIT}): expected one `TooLong` and \
         then the next line"
    );
}

#[test]
fn bytes_that_are_not_utf8_make_a_not_utf8_line_and_the_next_line_decodes() {
    assert_decodes(
        MAX,
        b"ok\n\xff\xfe\n\xc3\n\xe2\x82\xac!\n\xed\xa0\x80\n\xc3\xa9\r\n",
        false,
        &[
            text("ok"),
            Line::NotUtf8,
            Line::NotUtf8,
            text("€!"),
            Line::NotUtf8,
            text("é"),
        ],
        "A line that is not valid UTF-8 (a stray byte, a character cut short, an \
         encoded surrogate) is `Line::NotUtf8`: not an error (the connection goes on), \
         and not a `Text` with replacement characters (`from_utf8_lossy` would change \
         what the client sent). `std::str::from_utf8` says which.",
    );
}

#[test]
fn at_the_end_a_last_line_without_newline_is_a_line() {
    let concept = "At the end of the input, the bytes after the last `\\n`, if any, are a \
        last line, as if a `\\n` followed them (a client may close without one: `nc` \
        does when you press Ctrl-D). Nothing after the last `\\n`: no more items. \
        `decode_eof` is called until it returns `None`.";
    assert_decodes(MAX, b"a\nlast", true, &[text("a"), text("last")], concept);
    assert_decodes(MAX, b"a\nlast\r", true, &[text("a"), text("last")], concept);
    assert_decodes(MAX, b"a\n", true, &[text("a")], concept);
    assert_decodes(MAX, b"", true, &[], concept);
    assert_decodes(MAX, b"\xff", true, &[Line::NotUtf8], concept);
    let long = "y".repeat(40);
    assert_decodes(
        MAX,
        format!("{long}\n{long}").as_bytes(),
        true,
        &[Line::TooLong, Line::TooLong],
        concept,
    );
}

#[test]
fn encodes_a_line_followed_by_a_newline() {
    let buf = support::watchdog("`encode` never returned", || {
        let mut codec = LineCodec::new(MAX);
        let mut buf = BytesMut::from(&b"already here\n"[..]);
        codec.encode("hello, wörld".to_owned(), &mut buf).unwrap();
        codec.encode(String::new(), &mut buf).unwrap();
        // A text longer than the decoder's limit: the encoder has no limit.
        codec.encode("z".repeat(40), &mut buf).unwrap();
        buf
    });
    let expected = format!("already here\nhello, wörld\n\n{}\n", "z".repeat(40));
    assert_eq!(
        &buf[..],
        expected.as_bytes(),
        "encoding \"hello, wörld\", \"\" and 40 z's after \"already here\\n\": expected \
         each text and a `\\n`, appended to what the buffer holds (got {})",
        show(&buf)
    );
}

// ---------------------------------------------------------------------------
// One connection
// ---------------------------------------------------------------------------

/// How long a client waits for an answer before it calls it missing. On the
/// paused clock, this passes at once when nothing is left to run.
const ANSWER: Duration = Duration::from_secs(1);

/// The client's side of a connection, with every wait bounded.
struct Client<S> {
    reader: BufReader<ReadHalf<S>>,
    writer: WriteHalf<S>,
}

impl<S: AsyncRead + AsyncWrite> Client<S> {
    fn new(stream: S) -> Self {
        let (reader, writer) = tokio::io::split(stream);
        Client {
            reader: BufReader::new(reader),
            writer,
        }
    }

    async fn send(&mut self, bytes: &[u8]) {
        match tokio::time::timeout(ANSWER, self.writer.write_all(bytes)).await {
            Ok(Ok(())) => {}
            Ok(Err(error)) => panic!(
                "the client could not write {}: {error}. The server's side is closed: \
                 `serve_lines` returned (or dropped the stream) before the client had \
                 finished. Did a bad line end it? A loop over `Some(Ok(line))` stops at \
                 the first `Err`, `?` returns it, and `FramedRead` ends its stream after \
                 a decoder error: a bad line must be an item.",
                show(bytes)
            ),
            Err(_) => panic!(
                "the client could not write {} within {ANSWER:?}: the server stopped \
                 reading (is `serve_lines` stuck writing, or waiting for something \
                 else?)",
                show(bytes)
            ),
        }
    }

    /// The next line the server sends, without its `\n`; `None` at the end.
    async fn answer(&mut self, after: &str) -> Option<String> {
        let mut line = Vec::new();
        let read = tokio::time::timeout(ANSWER, self.reader.read_until(b'\n', &mut line)).await;
        match read {
            Err(_) => panic!(
                "the client sent {after} and waited {ANSWER:?} for the answer, with the \
                 connection still open: nothing came{}. Each answer must be written out \
                 and flushed before `serve_lines` waits for the next line: `send` does \
                 both, `feed` leaves the answer in `Framed`'s buffer until a `flush`.",
                if line.is_empty() {
                    String::new()
                } else {
                    format!(" but {} (no `\\n`)", show(&line))
                },
            ),
            Ok(Err(error)) => panic!("the client could not read after {after}: {error}"),
            Ok(Ok(0)) => None,
            Ok(Ok(_)) => {
                assert_eq!(
                    line.pop(),
                    Some(b'\n'),
                    "after {after}, the server sent {} and closed the connection: every \
                     answer ends with `\\n`",
                    show(&line)
                );
                Some(String::from_utf8_lossy(&line).into_owned())
            }
        }
    }

    /// Expects `expected` as the next answer, with what the mistake probably is.
    async fn expect(&mut self, after: &str, expected: &str, concept: &str) {
        match self.answer(after).await {
            Some(got) => assert_eq!(
                got, expected,
                "the client sent {after}: expected the answer {expected:?}, got {got:?}. \
                 {concept}"
            ),
            None => panic!(
                "the client sent {after} and expected {expected:?}, but the server closed \
                 the connection. {concept}"
            ),
        }
    }

    /// Closes the client's writing side: the server reads EOF.
    async fn close(&mut self) {
        let _ = tokio::time::timeout(ANSWER, self.writer.shutdown()).await;
    }

    /// Everything the server still sends, up to the end of the connection.
    async fn rest(&mut self, after: &str) -> Vec<u8> {
        let mut rest = Vec::new();
        match tokio::time::timeout(ANSWER, self.reader.read_to_end(&mut rest)).await {
            Ok(Ok(_)) => rest,
            Ok(Err(error)) => panic!("the client could not read after {after}: {error}"),
            Err(_) => panic!(
                "after {after}, the client waited {ANSWER:?} for the end of the \
                 connection, and it did not come (received so far: {}). Once the client \
                 has closed its side and every line is answered, `serve_lines` returns \
                 (and drops the stream): a `Framed` gives `None` at the end of the input.",
                show(&rest)
            ),
        }
    }
}

/// Runs `serve_lines` on one end of a duplex pipe of `capacity` bytes and
/// `client` on the other, on the paused clock; returns what `serve_lines`
/// returned.
fn with_client<F>(
    max_len: usize,
    capacity: usize,
    client: impl FnOnce(Client<tokio::io::DuplexStream>) -> F + Send + 'static,
) -> io::Result<()>
where
    F: Future<Output = ()> + 'static,
{
    support::paused(NEVER_FINISHED, move || async move {
        let (client_side, server_side) = tokio::io::duplex(capacity);
        // The stream is moved in: when `serve_lines` returns, it is dropped,
        // and the client sees the end of the connection.
        let server = serve_lines(server_side, max_len);
        let (served, ()) = tokio::join!(server, client(Client::new(client_side)));
        served
    })
}

fn assert_returned_ok(served: io::Result<()>, after: &str) {
    if let Err(error) = served {
        panic!(
            "after {after}, `serve_lines` returned Err({error}) (kind {:?}); expected \
             Ok(()): the client closing its side is the normal end of a connection, and \
             a bad line is no error",
            error.kind()
        );
    }
}

#[test]
fn echoes_each_line_as_soon_as_it_arrives() {
    let served = with_client(MAX, 1024, |mut client| async move {
        client.send(b"hello\n").await;
        client
            .expect("\"hello\\n\"", "hello", "A good line comes back as it is.")
            .await;
        client.send("wörld\r\n".as_bytes()).await;
        client
            .expect(
                "\"wörld\\r\\n\"",
                "wörld",
                "The answer is the line's text and a `\\n`.",
            )
            .await;
        client.send(b"par").await;
        let early = tokio::time::timeout(Duration::from_millis(100), client.answer("\"par\""));
        if let Ok(answer) = early.await {
            panic!(
                "the client sent \"par\" (no `\\n` yet, the connection open) and got \
                 {answer:?}: a line is not over until its `\\n` comes (or the input ends)"
            );
        }
        client.send(b"tial\n").await;
        client
            .expect(
                "\"par\", then \"tial\\n\"",
                "partial",
                "A line that arrives in two reads is one line.",
            )
            .await;
        client.close().await;
        let rest = client.rest("three lines and the end of its input").await;
        assert!(
            rest.is_empty(),
            "after the end of its input, the client got {} more",
            show(&rest)
        );
    });
    assert_returned_ok(served, "three lines and the end of the input");
}

#[test]
fn a_bad_line_gets_an_error_line_and_the_connection_stays_up() {
    let served = with_client(MAX, 64, |mut client| async move {
        let stays_up = "A bad line is data, not a broken stream: it gets its error line \
            (`Line::error_reply`), and the connection goes on. (`FramedRead` ends its \
            stream after a decoder error: a bad line must be an item, and `?` on it \
            would end the connection too.)";
        client.send(b"hi\n").await;
        client.expect("\"hi\\n\"", "hi", stays_up).await;
        client.send(&[b'x'; 5000]).await;
        client.send(b"\n").await;
        client
            .expect("a line of 5000 bytes (max_len 16)", TOO_LONG_16, stays_up)
            .await;
        client.send(b"\xff\xfe\n").await;
        client
            .expect("a line that is not UTF-8", NOT_UTF8, stays_up)
            .await;
        client.send(b"still here\n").await;
        client
            .expect(
                "\"still here\\n\" after two bad lines",
                "still here",
                stays_up,
            )
            .await;
        client.close().await;
        client.rest("four lines and the end of its input").await;
    });
    assert_returned_ok(served, "two bad lines among good ones");
}

#[test]
fn a_last_line_without_a_newline_is_answered_before_it_returns() {
    let served = with_client(MAX, 1024, |mut client| async move {
        client.send(b"first\nlast").await;
        client.close().await;
        let rest = client
            .rest("\"first\\nlast\" and the end of its input")
            .await;
        assert_eq!(
            String::from_utf8_lossy(&rest),
            "first\nlast\n",
            "the client sent \"first\\nlast\" and closed its side: expected both lines \
             back, then the end of the connection. A last line without `\\n` is a line \
             (the codec's `decode_eof`), and `serve_lines` answers it before it returns."
        );
    });
    assert_returned_ok(served, "\"first\\nlast\" and the end of the input");
}

#[test]
fn answers_every_line_in_order_and_returns_ok_when_the_client_closes() {
    const LINES: usize = 1000;
    let lines: Vec<Vec<u8>> = (0..LINES)
        .map(|k| match k % 100 {
            37 => b"\xc0\xaf\n".to_vec(),
            73 => [&[b'w'; 40][..], b"\r\n"].concat(),
            _ => format!("line {k}\r\n").into_bytes(),
        })
        .collect();
    let expected: Vec<String> = (0..LINES)
        .map(|k| match k % 100 {
            37 => NOT_UTF8.to_owned(),
            73 => TOO_LONG_16.to_owned(),
            _ => format!("line {k}"),
        })
        .collect();
    // A pipe of 64 bytes: the client writes while it reads, and the server
    // has to wait for room to answer, and for input, again and again.
    let served = with_client(MAX, 64, move |client| async move {
        let Client {
            mut reader,
            mut writer,
        } = client;
        let writing = async move {
            for line in &lines {
                if let Err(error) = writer.write_all(line).await {
                    panic!(
                        "the client could not write {}: {error}. `serve_lines` returned \
                         (or dropped the stream) before the end of the input. Did a bad \
                         line end it? A bad line must be an item, answered, and the \
                         connection goes on.",
                        show(line)
                    );
                }
            }
            writer.shutdown().await.unwrap();
        };
        let reading = async move {
            let mut answers = String::new();
            reader.read_to_string(&mut answers).await.unwrap();
            answers
        };
        let (answers, ()) = tokio::join!(reading, writing);
        let answers: Vec<&str> = answers.lines().collect();
        for (k, (got, expected)) in answers.iter().zip(&expected).enumerate() {
            assert_eq!(
                got, expected,
                "the answer to line {k} of {LINES} (sent one after another while the \
                 answers were read): expected {expected:?}, got {got:?}. One answer per \
                 line, in order."
            );
        }
        assert_eq!(
            answers.len(),
            LINES,
            "{LINES} lines sent, then the end of the input: expected {LINES} answers and \
             then the end of the connection, got {}",
            answers.len()
        );
    });
    assert_returned_ok(served, "1000 lines and the end of the input");

    let served = with_client(MAX, 64, |mut client| async move {
        client.close().await;
        let rest = client.rest("nothing but the end of its input").await;
        assert!(
            rest.is_empty(),
            "a client that sent nothing got {}",
            show(&rest)
        );
    });
    assert_returned_ok(served, "a client that closed at once");
}

/// One read the scripted stream gives.
enum Read {
    Bytes(&'static [u8]),
    /// This many bytes `x`, in reads of at most 64 KiB, made as they are read.
    Flood(usize),
    Fail(io::ErrorKind),
}

/// A stream that gives the reads of its script, then the end of the input,
/// and keeps what is written to it.
struct Scripted {
    script: Vec<Read>,
    next: usize,
    written: Rc<RefCell<Vec<u8>>>,
    /// Bytes of flood given so far.
    flooded: usize,
    /// What the heap may grow by while the stream is read, and the probe
    /// that measures it: a server that keeps the flood fails at once,
    /// rather than after copying it around for seconds.
    heap: Option<(usize, support::HeapProbe)>,
}

impl Scripted {
    fn new(script: Vec<Read>, heap_limit: Option<usize>) -> (Self, Rc<RefCell<Vec<u8>>>) {
        let written = Rc::default();
        let stream = Scripted {
            script,
            next: 0,
            written: Rc::clone(&written),
            flooded: 0,
            heap: heap_limit.map(|limit| (limit, support::HeapProbe::start())),
        };
        (stream, written)
    }

    fn check_heap(&self) {
        if let Some((limit, probe)) = &self.heap {
            let peak = probe.peak();
            assert!(
                peak < *limit,
                "after {} KiB of a line without `\\n` (max_len {HUGE_LIMIT}), the server's \
                 heap had grown by {peak} bytes: it keeps the over-long line. A client \
                 sending 100 MB without a newline would make it hold 100 MB. The codec \
                 must report the line as soon as it is too long and drop its bytes as \
                 they come, up to its `\\n`.",
                self.flooded / 1024,
            );
        }
    }
}

impl AsyncRead for Scripted {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        this.check_heap();
        match this.script.get_mut(this.next) {
            None => {}
            Some(Read::Bytes(bytes)) => {
                let all: &'static [u8] = bytes;
                let n = all.len().min(buf.remaining());
                buf.put_slice(&all[..n]);
                *bytes = &all[n..];
                if bytes.is_empty() {
                    this.next += 1;
                }
            }
            Some(Read::Flood(left)) => {
                let n = (*left).min(buf.remaining()).min(64 * 1024);
                this.flooded += n;
                buf.initialize_unfilled_to(n).fill(b'x');
                buf.advance(n);
                *left -= n;
                if *left == 0 {
                    this.next += 1;
                }
            }
            Some(Read::Fail(kind)) => {
                let kind = *kind;
                this.next += 1;
                return Poll::Ready(Err(io::Error::new(kind, "the suite's stream failed")));
            }
        }
        Poll::Ready(Ok(()))
    }
}

impl AsyncWrite for Scripted {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.written.borrow_mut().extend_from_slice(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// Serves a scripted stream on the paused clock; returns what `serve_lines`
/// returned and what it wrote. With a `heap_limit`, the test fails as soon
/// as the heap has grown by that much since the start.
fn serve_script(
    max_len: usize,
    heap_limit: Option<usize>,
    script: impl FnOnce() -> Vec<Read> + Send + 'static,
) -> (io::Result<()>, Vec<u8>) {
    support::paused(NEVER_FINISHED, move || async move {
        let (stream, written) = Scripted::new(script(), heap_limit);
        let served = tokio::time::timeout(ANSWER, serve_lines(stream, max_len)).await;
        let served = served.unwrap_or_else(|_| {
            panic!(
                "`serve_lines` had not returned {ANSWER:?} after the end of its input \
                 (or a failed read): it must return then"
            )
        });
        let written = written.borrow().clone();
        (served, written)
    })
}

/// The limit in the test with a 4 MiB line.
const HUGE_LIMIT: usize = 1024;

#[test]
fn a_four_megabyte_line_is_dropped_as_it_arrives_not_kept() {
    // The stream fails the test once the heap has grown by 1 MiB.
    let (served, written) = serve_script(HUGE_LIMIT, Some(1024 * 1024), || {
        vec![
            Read::Bytes(b"before\n"),
            Read::Flood(4 * 1024 * 1024),
            Read::Bytes(b"\nafter\n"),
        ]
    });
    let expected = "before\nerror: line too long (at most 1024 bytes)\nafter\n";
    assert!(
        written == expected.as_bytes(),
        "the client sent \"before\\n\", 4 MiB of x, then \"\\nafter\\n\" (max_len \
         {HUGE_LIMIT}): expected three answers, {expected:?}, got {}. One error line for \
         the whole over-long line: its rest, up to its `\\n`, is dropped, not taken for \
         new lines.",
        show(&written)
    );
    assert_returned_ok(served, "a 4 MiB line and the end of the input");
}

#[test]
fn an_io_error_is_returned_not_swallowed() {
    let (served, written) = serve_script(MAX, None, || {
        vec![
            Read::Bytes(b"a\n"),
            Read::Fail(io::ErrorKind::ConnectionReset),
            Read::Bytes(b"never read\n"),
        ]
    });
    match served {
        Err(error) => assert_eq!(
            error.kind(),
            io::ErrorKind::ConnectionReset,
            "the stream's read failed with ConnectionReset; `serve_lines` returned \
             Err({error}) of another kind: return the stream's error as it is"
        ),
        Ok(()) => panic!(
            "the stream's read failed (ConnectionReset, after \"a\\n\"), and \
             `serve_lines` returned Ok(()) (having written {}): a failed connection is \
             not a client that closed its side. Only a bad line is data; an I/O error is \
             returned (`?` on the item), and the caller decides what to do.",
            show(&written)
        ),
    }
}

#[test]
fn serves_a_client_over_tcp() {
    let served = support::watchdog(
        "the TCP test never finished (each of its steps waits at most 1 s: a blocking \
         call in `serve_lines`?)",
        || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a tokio runtime")
                .block_on(async {
                    // Port 0: the system picks a free port.
                    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                        .await
                        .expect("the suite could not listen on 127.0.0.1");
                    let address = listener.local_addr().unwrap();
                    let server = async {
                        let (socket, _) = listener.accept().await.unwrap();
                        serve_lines(socket, MAX).await
                    };
                    let client = async {
                        let socket = tokio::net::TcpStream::connect(address).await.unwrap();
                        let mut client = Client::new(socket);
                        client.send(b"hello, tcp\r\n").await;
                        client
                            .expect("\"hello, tcp\\r\\n\"", "hello, tcp", "Over TCP too.")
                            .await;
                        client.send(&[b'y'; 3000]).await;
                        client.send(b"\n\xe9t\xe9\n").await;
                        client
                            .expect("a line of 3000 bytes", TOO_LONG_16, "Over TCP too.")
                            .await;
                        client
                            .expect("a Latin-1 line", NOT_UTF8, "Over TCP too.")
                            .await;
                        client.send(b"bye").await;
                        client.close().await;
                        client.rest("\"bye\" and the end of its input").await
                    };
                    let (served, rest) = tokio::join!(server, client);
                    assert_eq!(
                        String::from_utf8_lossy(&rest),
                        "bye\n",
                        "over TCP, the client sent \"bye\" and closed its writing side: \
                         expected \"bye\\n\" and then the end of the connection"
                    );
                    served
                })
        },
    );
    assert_returned_ok(served, "a TCP client that closed its writing side");
}
