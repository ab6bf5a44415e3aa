//! Correct, written differently: the script is fed while the test runs,
//! through the mock's `Handle` (`Builder::build_with_handle`), and the
//! reader is polled by hand (`tokio_test::task::spawn`): each step shows
//! what the reader does before the next bytes exist. No runtime is needed.
//! expect: pass

use std::io;

use subjects::lines::LineReader;
use tokio_test::io::Builder;
use tokio_test::task::{self, Spawn};
use tokio_test::{assert_pending, assert_ready};

/// The next item, which must be ready now, with an error as its kind.
fn next(reader: &mut Spawn<LineReader>) -> Option<Result<String, io::ErrorKind>> {
    assert_ready!(reader.poll_next()).map(|line| line.map_err(|e| e.kind()))
}

fn line(text: &str) -> Option<Result<String, io::ErrorKind>> {
    Some(Ok(text.to_string()))
}

#[test]
fn a_line_is_yielded_only_once_it_is_whole() {
    let (mock, mut handle) = Builder::new().build_with_handle();
    let mut reader = task::spawn(LineReader::new(mock));
    handle.read(b"hel");
    assert_pending!(reader.poll_next(), "half a line is not a line");
    handle.read(b"lo\r\n");
    assert!(reader.is_woken(), "new bytes must wake the reader");
    assert_eq!(next(&mut reader), line("hello"));
    assert_pending!(reader.poll_next(), "no more bytes yet: wait, do not end");
    handle.read(b"\nlast");
    assert_eq!(next(&mut reader), line(""));
    assert_pending!(reader.poll_next());
    drop(handle);
    assert_eq!(next(&mut reader), line("last"));
    assert_eq!(next(&mut reader), None);
}

#[test]
fn an_error_is_an_item_then_the_end() {
    let (mock, mut handle) = Builder::new().build_with_handle();
    let mut reader = task::spawn(LineReader::new(mock));
    handle.read(b"a\n");
    handle.read_error(io::Error::other("boom"));
    assert_eq!(next(&mut reader), line("a"));
    assert_eq!(next(&mut reader), Some(Err(io::ErrorKind::Other)));
    assert_eq!(next(&mut reader), None);
}
