//! Compares with `>` where `>=` was meant, so it returns `Pending` one time
//! too many, `new(0)` included.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::Bug;

pub const BUG: Bug = Bug {
    name: "one_pending_too_many",
    wrong: "returns Pending one time too many (`new(3)` is still Pending on its fourth \
            poll): an off-by-one",
    exposed_by: "counting the Pendings before Ready and comparing with exactly `polls` (a \
                 test that only checks it is Ready *eventually* passes)",
};

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
