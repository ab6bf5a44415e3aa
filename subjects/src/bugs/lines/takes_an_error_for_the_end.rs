//! Ends quietly at an I/O error, as if the input had ended: the caller
//! cannot tell a lost connection from a finished file.

use async_stream::stream;
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::Bug;
use crate::lines::{Input, Lines};

pub const BUG: Bug = Bug {
    name: "takes_an_error_for_the_end",
    wrong: "ends quietly at an I/O error, as if the input had ended: the error is never \
            reported",
    exposed_by: "a mocked reader (tokio_test::io::Builder) with a `read_error` after a line, \
                 checking that an `Err` item comes out before the end",
};

pub fn lines(input: Input) -> Lines {
    Box::pin(stream! {
        let mut lines = BufReader::new(input).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            yield Ok(line);
        }
    })
}
