//! Cuts each chunk it reads into lines on its own, so a line that arrives in
//! two reads comes out as two lines. Whole lines in one read come out right.

use async_stream::stream;
use tokio::io::AsyncReadExt;

use crate::Bug;
use crate::lines::{Input, Lines};

pub const BUG: Bug = Bug {
    name: "splits_lines_at_read_boundaries",
    wrong: "treats every read as ending at a line boundary: a line that arrives over two \
            reads comes out as two lines",
    exposed_by: "a mocked reader (tokio_test::io::Builder) whose line arrives in two `read`s \
                 (`.read(b\"hel\").read(b\"lo\\n\")`), checking that one line `hello` comes out",
};

pub fn lines(mut input: Input) -> Lines {
    Box::pin(stream! {
        let mut chunk = [0u8; 1024];
        loop {
            let n = match input.read(&mut chunk).await {
                Ok(0) => break,
                Ok(n) => n,
                Err(error) => {
                    yield Err(error);
                    break;
                }
            };
            let text = String::from_utf8_lossy(&chunk[..n]).into_owned();
            let text = text.strip_suffix('\n').unwrap_or(&text);
            for line in text.split('\n') {
                yield Ok(line.strip_suffix('\r').unwrap_or(line).to_owned());
            }
        }
    })
}
