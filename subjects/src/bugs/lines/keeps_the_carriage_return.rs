//! Strips the `\n` but not the `\r` of a `\r\n`: lines from a network
//! protocol or a Windows file end in `\r`.

use async_stream::stream;
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::Bug;
use crate::lines::{Input, Lines};

pub const BUG: Bug = Bug {
    name: "keeps_the_carriage_return",
    wrong: "keeps the `\\r` of a `\\r\\n` line ending: `a\\r\\n` comes out as `a\\r`",
    exposed_by: "a mocked reader (tokio_test::io::Builder) with a `\\r\\n` line, comparing the \
                 line exactly (`assert_eq!`, not `contains` or `trim`)",
};

pub fn lines(input: Input) -> Lines {
    Box::pin(stream! {
        let mut reader = BufReader::new(input);
        let mut line = String::new();
        loop {
            line.clear();
            match reader.read_line(&mut line).await {
                Ok(0) => break,
                Ok(_) => yield Ok(line.strip_suffix('\n').unwrap_or(&line).to_owned()),
                Err(error) => {
                    yield Err(error);
                    break;
                }
            }
        }
    })
}
