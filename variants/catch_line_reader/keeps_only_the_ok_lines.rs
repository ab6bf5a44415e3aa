//! Mistake: drops the errors before checking the lines
//! (`filter_map(Result::ok)`). A reader that ends quietly at an I/O error
//! yields the same lines, and passes.
//! expect: fail your_tests_catch_every_hidden_bug "ends quietly at an I/O error"
//! expect: fail your_tests_catch_every_hidden_bug "caught 5 of 6 bugs"

use std::io;
use std::time::Duration;

use futures::StreamExt;
use subjects::lines::LineReader;
use tokio::time;
use tokio_test::io::{Builder, Mock};

/// Everything a `LineReader` over `mock` yields, to its end, with errors as
/// their kind (an `io::Error` cannot be compared). Bounded: a reader that
/// never ends fails after 10 s of virtual time instead of hanging the test.
async fn lines_of(mock: Mock) -> Vec<Result<String, io::ErrorKind>> {
    let lines = LineReader::new(mock).map(|line| line.map_err(|error| error.kind()));
    time::timeout(Duration::from_secs(10), lines.collect())
        .await
        .expect("the LineReader did not end within 10 s (virtual): it must end with its input")
}

fn ok(lines: &[&str]) -> Vec<Result<String, io::ErrorKind>> {
    lines.iter().map(|line| Ok(line.to_string())).collect()
}

/// Each line in order, without its `\n` or `\r\n`.
#[tokio::test(start_paused = true)]
async fn reads_lines_in_order_without_their_line_endings() {
    let mock = Builder::new().read(b"one\ntwo\r\nthree\n").build();
    assert_eq!(lines_of(mock).await, ok(&["one", "two", "three"]));
}

/// A line that arrives over several reads comes out whole, once.
#[tokio::test(start_paused = true)]
async fn a_line_split_across_reads_comes_out_whole() {
    let mock = Builder::new()
        .read(b"hel")
        .read(b"lo\nwor")
        .read(b"ld\n")
        .build();
    assert_eq!(
        lines_of(mock).await,
        ok(&["hello", "world"]),
        "a read may end anywhere, in the middle of a line too"
    );
}

/// The bytes after the last `\n` are a last line.
#[tokio::test(start_paused = true)]
async fn a_last_line_without_newline_is_not_lost() {
    let mock = Builder::new().read(b"a\nb").build();
    assert_eq!(lines_of(mock).await, ok(&["a", "b"]));
}

/// An empty line is a line (`""`), not the end of the input.
#[tokio::test(start_paused = true)]
async fn an_empty_line_is_a_line_not_the_end() {
    let mock = Builder::new().read(b"a\n\nb\n").build();
    assert_eq!(lines_of(mock).await, ok(&["a", "", "b"]));
}

/// An I/O error comes out as an `Err`, then the stream ends: it is not
/// taken for the end of the input.
#[tokio::test(start_paused = true)]
async fn an_io_error_is_reported_not_taken_for_the_end() {
    let reset = io::Error::new(io::ErrorKind::ConnectionReset, "the peer went away");
    let mock = Builder::new().read(b"a\n").read_error(reset).build();
    let lines: Vec<String> = lines_of(mock)
        .await
        .into_iter()
        .filter_map(Result::ok)
        .collect();
    assert_eq!(lines, ["a"]);
}

/// A read that must wait is waited for: a pause is not the end.
#[tokio::test(start_paused = true)]
async fn waits_for_a_line_that_comes_after_a_pause() {
    let start = time::Instant::now();
    let mock = Builder::new()
        .read(b"a\n")
        .wait(Duration::from_secs(1))
        .read(b"b\n")
        .build();
    assert_eq!(lines_of(mock).await, ok(&["a", "b"]));
    // On the paused clock the pause took no real time, but a whole virtual
    // second: the reader really waited for it.
    assert_eq!(start.elapsed(), Duration::from_secs(1));
}
