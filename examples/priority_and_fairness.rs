//! The "Fix the lost wake-up" page: strict priority, and two merges that do
//! not starve either channel. The reference `PriorityInbox` takes an urgent
//! item whenever one is waiting, so a steady urgent flow keeps a normal item
//! waiting forever. `futures::stream::select` alternates which side it tries
//! first; `select_with_strategy` lets a closure choose, for example three
//! urgent tries for one normal.
//!
//! Nothing waits here: every poll finds an item ready, so each one is taken
//! with `now_or_never` (a single poll with a waker that does nothing), with
//! no runtime and no clock.

// The reference solution, compiled in as the suites compile theirs.
#[path = "../solutions/src/fix_lost_wakeup.rs"]
mod fix_lost_wakeup;

use fix_lost_wakeup::PriorityInbox;
use futures::stream::{self, PollNext, Stream};
use futures::{FutureExt, StreamExt};
use tokio::sync::mpsc::{self, Receiver, Sender};
use tokio_stream::wrappers::ReceiverStream;

/// Builds a merge of two channels, urgent first in the argument list.
type Merge<S> = fn(Receiver<&'static str>, Receiver<&'static str>) -> S;

/// Takes `count` items from the merge that `make` builds, sending one more
/// urgent item before each take, and (if `normal_flow`) one more normal item
/// too. Before the first take, one normal item is already waiting. Every
/// take must find an item ready at once.
fn take<S>(make: Merge<S>, count: usize, normal_flow: bool) -> Vec<&'static str>
where
    S: Stream<Item = &'static str> + Unpin,
{
    let (urgent_tx, urgent_rx) = mpsc::channel(2 * count);
    let (normal_tx, normal_rx) = mpsc::channel(2 * count);
    let mut merge = make(urgent_rx, normal_rx);
    send(&normal_tx, "normal");
    (0..count)
        .map(|_| {
            send(&urgent_tx, "urgent");
            if normal_flow {
                send(&normal_tx, "normal");
            }
            merge
                .next()
                .now_or_never()
                .expect("an item is waiting")
                .unwrap()
        })
        .collect()
}

fn send(tx: &Sender<&'static str>, item: &'static str) {
    tx.try_send(item).expect("room in the channel");
}

/// How many of `items` came from the normal channel.
fn normals(items: &[&str]) -> usize {
    items.iter().filter(|&&item| item == "normal").count()
}

// ANCHOR: strict
fn strict_priority_starves_the_normal_channel() {
    // The reference: a thousand takes under a steady urgent flow, and the
    // normal item that was waiting from the start is still waiting.
    let served = take(PriorityInbox::new, 1000, false);
    assert_eq!(normals(&served), 0);
}
// ANCHOR_END: strict

// ANCHOR: fair
/// Each poll tries first the channel that the poll before it tried second.
fn round_robin(
    urgent: Receiver<&'static str>,
    normal: Receiver<&'static str>,
) -> impl Stream<Item = &'static str> + Unpin {
    stream::select(ReceiverStream::new(urgent), ReceiverStream::new(normal))
}

/// Tries the urgent channel first three polls out of four.
fn three_to_one(
    urgent: Receiver<&'static str>,
    normal: Receiver<&'static str>,
) -> impl Stream<Item = &'static str> + Unpin {
    stream::select_with_strategy(
        ReceiverStream::new(urgent),
        ReceiverStream::new(normal),
        |polls: &mut u32| {
            *polls += 1;
            if polls.is_multiple_of(4) {
                PollNext::Right
            } else {
                PollNext::Left
            }
        },
    )
}

fn neither_channel_starves() {
    // The waiting normal item comes out on the second take, or the fourth.
    assert_eq!(
        take(round_robin, 4, false),
        ["urgent", "normal", "urgent", "urgent"]
    );
    assert_eq!(
        take(three_to_one, 4, false),
        ["urgent", "urgent", "urgent", "normal"]
    );

    // With both channels always busy: one to one, and three to one.
    assert_eq!(normals(&take(round_robin, 1000, true)), 500);
    assert_eq!(normals(&take(three_to_one, 1000, true)), 250);
}
// ANCHOR_END: fair

fn main() {
    strict_priority_starves_the_normal_channel();
    neither_channel_starves();
}
