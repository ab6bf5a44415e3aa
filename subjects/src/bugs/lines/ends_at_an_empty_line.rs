//! Takes an empty line for the end of the input (it checks for the end by
//! looking at the trimmed line, not at the number of bytes read): whatever
//! follows an empty line is never read.

use async_stream::stream;
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::Bug;
use crate::lines::{Input, Lines};

pub const BUG: Bug = Bug {
    name: "ends_at_an_empty_line",
    wrong: "takes an empty line for the end of the input: the empty line and every line \
            after it are lost",
    exposed_by: "input with an empty line in the middle (`a\\n\\nb\\n`), checking that all \
                 three lines (`a`, ``, `b`) come out",
};

pub fn lines(input: Input) -> Lines {
    Box::pin(stream! {
        let mut reader = BufReader::new(input);
        let mut line = String::new();
        loop {
            line.clear();
            if let Err(error) = reader.read_line(&mut line).await {
                yield Err(error);
                break;
            }
            let text = line.trim_end_matches('\n').trim_end_matches('\r');
            if text.is_empty() {
                break;
            }
            yield Ok(text.to_owned());
        }
    })
}
