//! Returns `Pending` without waking anyone: a lost wake-up. Its counting is
//! right, so a test that only counts polls passes; an executor never polls
//! the task again, and `.await` hangs.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::Bug;

pub const BUG: Bug = Bug {
    name: "forgets_to_wake",
    wrong: "returns Pending without waking its task (a lost wake-up): counted by hand it \
            looks right, but an executor never polls it again",
    exposed_by: "a mock task (tokio_test::task::spawn) or a counting waker: after each \
                 Pending, check that the task was woken (`is_woken()`)",
};

pub struct Countdown {
    remaining: u32,
}

impl Countdown {
    pub fn new(polls: u32) -> Self {
        Self { remaining: polls }
    }
}

impl Future for Countdown {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        if self.remaining == 0 {
            return Poll::Ready(());
        }
        self.remaining -= 1;
        Poll::Pending
    }
}
