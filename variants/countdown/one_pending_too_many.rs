//! Mistake: counts the polls it has seen and compares with `>` where `>=` was
//! meant, so it returns `Pending` one time too many.
//! expect: fail returns_pending_exactly_polls_times_then_ready "off-by-one"
//! expect: fail zero_polls_is_ready_on_the_first_poll "expected Ready(()) at once"

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

#[derive(Debug)]
pub struct Countdown {
    polls: u32,
    seen: u32,
}

impl Countdown {
    pub fn new(polls: u32) -> Self {
        Self { polls, seen: 0 }
    }
}

impl Future for Countdown {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.seen > self.polls {
            return Poll::Ready(());
        }
        self.seen += 1;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
