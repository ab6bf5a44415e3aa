//! Counts down before it checks, so it returns `Pending` one time too few
//! (`new(0)` is still right: the count saturates at zero).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::Bug;

pub const BUG: Bug = Bug {
    name: "one_pending_too_few",
    wrong: "returns Pending one time too few (`new(3)` is Ready on its third poll): an \
            off-by-one",
    exposed_by: "counting the Pendings before Ready for a countdown of 1 or more polls and \
                 comparing with exactly `polls`",
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

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.remaining = self.remaining.saturating_sub(1);
        if self.remaining == 0 {
            return Poll::Ready(());
        }
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
