//! Wakes its task on the first `Pending` only: every later `Pending` is a
//! lost wake-up. A test that checks the first poll alone passes.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::Bug;

pub const BUG: Bug = Bug {
    name: "wakes_only_the_first_time",
    wrong: "wakes its task after the first Pending only; the later Pendings lose their \
            wake-up",
    exposed_by: "a mock task polled until Ready, checking `is_woken()` after *every* \
                 Pending, not just the first (a countdown of 2 or more polls)",
};

pub struct Countdown {
    remaining: u32,
    woke: bool,
}

impl Countdown {
    pub fn new(polls: u32) -> Self {
        Self {
            remaining: polls,
            woke: false,
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
        if !self.woke {
            self.woke = true;
            cx.waker().wake_by_ref();
        }
        Poll::Pending
    }
}
