//! Correct, written differently: counts polls up, and wakes a clone of the
//! waker by value.
//! expect: pass

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

#[derive(Debug)]
pub struct Countdown {
    polls: u32,
    done: u32,
}

impl Countdown {
    pub fn new(polls: u32) -> Self {
        Self { polls, done: 0 }
    }
}

impl Future for Countdown {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        if this.done < this.polls {
            this.done += 1;
            cx.waker().clone().wake();
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    }
}
