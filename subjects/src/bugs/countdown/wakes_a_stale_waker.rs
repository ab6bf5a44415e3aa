//! Keeps the waker of its first poll and wakes that one ever after, whatever
//! waker a later poll brings. A mock task (one waker for every poll) cannot
//! tell; a different waker on each poll can.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use crate::Bug;

pub const BUG: Bug = Bug {
    name: "wakes_a_stale_waker",
    wrong: "keeps the waker of its first poll and wakes that one every time, not the waker \
            of the poll that returned Pending (a stale waker)",
    exposed_by: "polling with a new waker each time (futures_test's `new_count_waker`, one \
                 per poll) and checking that the waker of *that* poll was woken; a single \
                 mock task cannot see it, since every poll brings the same waker",
};

pub struct Countdown {
    remaining: u32,
    first: Option<Waker>,
}

impl Countdown {
    pub fn new(polls: u32) -> Self {
        Self {
            remaining: polls,
            first: None,
        }
    }
}

impl Future for Countdown {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.remaining == 0 {
            return Poll::Ready(());
        }
        self.remaining -= 1;
        let waker = self.first.get_or_insert_with(|| cx.waker().clone());
        waker.wake_by_ref();
        Poll::Pending
    }
}
