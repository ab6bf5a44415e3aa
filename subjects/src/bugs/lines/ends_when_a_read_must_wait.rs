//! Reads only what is ready now: when a read would have to wait (a slow
//! peer, a network pause) it takes that for the end of the input. With data
//! that is all there at once it is right.

use async_stream::stream;
use futures::FutureExt;
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::Bug;
use crate::lines::{Input, Lines};

pub const BUG: Bug = Bug {
    name: "ends_when_a_read_must_wait",
    wrong: "takes a read that is not ready yet for the end of the input: a line that comes \
            after a pause is lost",
    exposed_by: "a mocked reader with a pause (tokio_test::io::Builder's `.wait(…)` between \
                 two reads, on the paused clock), checking that the line after the pause \
                 comes out",
};

pub fn lines(input: Input) -> Lines {
    Box::pin(stream! {
        let mut lines = BufReader::new(input).lines();
        // `now_or_never` polls once: `None` means "not ready yet", taken here
        // for "no more lines".
        while let Some(next) = lines.next_line().now_or_never() {
            match next {
                Ok(Some(line)) => yield Ok(line),
                Ok(None) => break,
                Err(error) => {
                    yield Err(error);
                    break;
                }
            }
        }
    })
}
