//! Yields a line only once its `\n` has arrived, and at the end of the input
//! throws away the bytes after the last `\n`: a last line without `\n` is
//! lost.

use async_stream::stream;
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::Bug;
use crate::lines::{Input, Lines};

pub const BUG: Bug = Bug {
    name: "drops_the_last_line",
    wrong: "loses a last line that has no `\\n` at the end of the input",
    exposed_by: "a mocked reader (tokio_test::io::Builder) whose input ends without a \
                 newline (`.read(b\"a\\nb\")`), checking that `b` comes out before the end",
};

pub fn lines(input: Input) -> Lines {
    Box::pin(stream! {
        let mut reader = BufReader::new(input);
        let mut line = Vec::new();
        loop {
            line.clear();
            match reader.read_until(b'\n', &mut line).await {
                Ok(_) if line.last() != Some(&b'\n') => break,
                Ok(_) => {
                    line.pop();
                    if line.last() == Some(&b'\r') {
                        line.pop();
                    }
                    yield Ok(String::from_utf8_lossy(&line).into_owned());
                }
                Err(error) => {
                    yield Err(error);
                    break;
                }
            }
        }
    })
}
