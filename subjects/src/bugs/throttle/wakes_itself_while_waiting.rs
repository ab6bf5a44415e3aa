//! Waits out the delay by waking itself and returning `Pending` until the
//! clock says the delay is over: a busy loop. On a real clock it burns a
//! core; on tokio's paused clock it keeps the runtime busy, so paused time
//! never moves and an `.await` on it never returns.

use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use futures::{Stream, StreamExt};
use tokio::time::Instant;

use crate::Bug;

pub const BUG: Bug = Bug {
    name: "wakes_itself_while_waiting",
    wrong: "waits out the delay by waking its own task and returning Pending again and \
            again (a busy loop): on the paused clock time then never moves, so an await \
            on it never finishes",
    exposed_by: "a mock task (tokio_test::task::spawn): after a Pending while it waits, check \
                 that it was *not* woken yet (`assert!(!task.is_woken())`), before any \
                 advance; awaiting it, even inside `tokio::time::timeout`, hangs",
};

pub struct Throttle<S> {
    stream: S,
    delay: Duration,
    not_before: Option<Instant>,
}

impl<S> Throttle<S> {
    pub fn new(stream: S, delay: Duration) -> Self {
        Self {
            stream,
            delay,
            not_before: None,
        }
    }
}

impl<S: Stream + Unpin> Stream for Throttle<S> {
    type Item = S::Item;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        if let Some(not_before) = self.not_before {
            if Instant::now() < not_before {
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
            self.not_before = None;
        }
        let item = ready!(self.stream.poll_next_unpin(cx));
        if item.is_some() {
            self.not_before = Some(Instant::now() + self.delay);
        }
        Poll::Ready(item)
    }
}
