//! Right for every count but zero: `new(0)` returns `Pending` once before it
//! is ready (it checks the count only after its first poll).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::Bug;

pub const BUG: Bug = Bug {
    name: "zero_is_pending_once",
    wrong: "`Countdown::new(0)` returns Pending once before Ready; every other count is \
            right (an edge case)",
    exposed_by: "polling `Countdown::new(0)` once and asserting Ready at once: test the \
                 edges (0 and 1), not only a typical count",
};

pub struct Countdown {
    remaining: u32,
    started: bool,
}

impl Countdown {
    pub fn new(polls: u32) -> Self {
        Self {
            remaining: polls,
            started: false,
        }
    }
}

impl Future for Countdown {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if !self.started {
            self.started = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        if self.remaining <= 1 {
            return Poll::Ready(());
        }
        self.remaining -= 1;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
