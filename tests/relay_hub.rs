//! Hidden suite for `relay_hub`: the capstone's hub, which fans every line
//! out to the other clients through a bounded queue each, and tells a slow
//! client how many lines it missed.
//!
//! Contract: `Hub::new(queue)` (`queue >= 1`) makes an empty room; its clones
//! are the same room. `join()` adds a client with the next id (1, 2, 3, … in
//! order of joining, never reused) and returns its `Subscription`, a
//! `Stream<Item = Delivery>` (`Send + Unpin`); dropping it leaves the room at
//! once (`clients()` counts the joined). `publish(from, text)` never waits:
//! for every joined client except `from`,
//!
//! - a client that is *behind* gets the line counted, not queued (it skips
//!   ahead);
//! - otherwise, the line is queued if fewer than `queue` deliveries wait in
//!   its queue, and if not, it is counted and the client is behind.
//!
//! A client's stream yields its queued lines in order; once it has taken all
//! of them, and it is behind, it yields `Missed(n)`, n being exactly the
//! lines counted, at once (without waiting for another publish), and it is no
//! longer behind. So a notice is never `Missed(0)`, never follows another
//! notice, and every line published while a client is joined reaches it or
//! is counted in exactly one notice. A client never gets its own lines, nor a
//! notice about them. A subscription with nothing to yield is `Pending` and
//! is woken by the next delivery for it (and not woken by itself). The hub is
//! `Send + Sync`; publishers on many threads at once: each publisher's lines
//! in its order, and every client gets the lines in one same order. While a
//! `Hub` lives, a subscription never ends.
//!
//! Most tests need no runtime: they poll the subscriptions by hand (a tokio
//! `mpsc` needs no runtime either). Every call into the hub runs under a
//! watchdog, so a hub that waits or deadlocks fails within half a second
//! (the tests on a runtime: two seconds).

// The code under test, compiled into this suite: your `exercises/src/relay_hub.rs`,
// or the reference solution with `cargo test --features solutions`.
#[cfg_attr(not(feature = "solutions"), path = "../exercises/src/relay_hub.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/src/relay_hub.rs")]
mod relay_hub;

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::{Stream, StreamExt};
use relay_hub::{ClientId, Delivery, Hub, Subscription};
use tokio_test::task;

/// How long a test without a runtime may take: its work is a few hundred
/// plain calls and polls, microseconds, so anything slower is a hang.
const QUICK: Duration = Duration::from_millis(500);

const HANG: &str = "a call into the hub never returned (`join`, `publish`, `clients`, a poll of a \
    subscription, or its drop). Something in it waits: for room in a full queue \
    (`send().await` under `block_on`, `blocking_send`), or for a lock that is never released \
    (a `std::sync::Mutex` locked twice on one thread, or held by a call that waits)";

/// A line from `from`, as a client receives it.
fn line(from: ClientId, text: &str) -> Delivery {
    Delivery::Line {
        from,
        text: text.to_owned(),
    }
}

/// Lines "1", "2", …: the texts a test publishes, numbered from 1.
fn numbered(from: ClientId, numbers: std::ops::RangeInclusive<u32>) -> Vec<Delivery> {
    numbers.map(|k| line(from, &k.to_string())).collect()
}

/// Polls `sub` once, with a waker that does nothing.
fn poll_once(sub: &mut Subscription) -> Poll<Option<Delivery>> {
    let mut cx = Context::from_waker(futures::task::noop_waker_ref());
    Pin::new(sub).poll_next(&mut cx)
}

/// The next delivery waiting for `sub`, if any (one poll).
fn next(sub: &mut Subscription, who: &str) -> Option<Delivery> {
    match poll_once(sub) {
        Poll::Ready(Some(delivery)) => Some(delivery),
        Poll::Ready(None) => panic!(
            "{who}'s subscription ended (`Ready(None)`) while the hub was still alive: a \
             subscription's stream goes on as long as the room exists, `Pending` while \
             there is nothing for it"
        ),
        Poll::Pending => None,
    }
}

/// Everything waiting for `sub`, polled until it is `Pending`.
fn ready(sub: &mut Subscription, who: &str) -> Vec<Delivery> {
    let mut got = Vec::new();
    while let Some(delivery) = next(sub, who) {
        got.push(delivery);
        assert!(
            got.len() <= 10_000,
            "{who}'s subscription yielded 10,000 deliveries without ever being `Pending` \
             (the first ones: {:?}): it never runs out. A notice yielded again and again \
             (a count never reset to 0)?",
            &got[..5]
        );
    }
    got
}

/// What the contract says about a notice, for the messages.
const POLICY: &str = "The policy: a line that finds a client's queue full is counted, and \
    the client is behind; while it is behind, every line for it is counted too (it skips \
    ahead), even when it has made room; once it has taken the lines already queued, its \
    stream yields one `Missed(n)` with the count, at once, and lines are queued again";

#[test]
fn every_line_goes_to_every_other_client_in_order() {
    support::watchdog_within(QUICK, HANG, || {
        let hub = Hub::new(8);
        let (mut a, mut b, mut c) = (hub.join(), hub.join(), hub.join());
        hub.publish(a.id(), "hello".into());
        hub.publish(b.id(), "hi".into());
        hub.publish(a.id(), "how are you?".into());
        let (ia, ib) = (a.id(), b.id());
        assert_eq!(
            ready(&mut c, "client 3"),
            [line(ia, "hello"), line(ib, "hi"), line(ia, "how are you?")],
            "clients 1, 2, 3 joined a hub with queues of 8; client 1 published \"hello\", \
             client 2 \"hi\", client 1 \"how are you?\": client 3 gets all three, in that \
             order, each with its sender's id"
        );
        assert_eq!(
            ready(&mut b, "client 2"),
            [line(ia, "hello"), line(ia, "how are you?")],
            "client 2 gets client 1's two lines, in order, and not its own \"hi\""
        );
        assert_eq!(
            ready(&mut a, "client 1"),
            [line(ib, "hi")],
            "client 1 gets client 2's line, and not its own two"
        );
    });
}

#[test]
fn a_client_never_gets_its_own_lines_nor_a_notice_about_them() {
    support::watchdog_within(QUICK, HANG, || {
        let hub = Hub::new(2);
        let (mut a, mut b) = (hub.join(), hub.join());
        for k in 1..=5 {
            hub.publish(a.id(), k.to_string());
        }
        let own = ready(&mut a, "client 1");
        assert!(
            own.is_empty(),
            "queues of 2; client 1 published five lines and client 2 none: client 1 must \
             get nothing at all, not its own lines and no `Missed` either (got {own:?}). A \
             notice about one's own lines is what `tokio::sync::broadcast` gives: every \
             receiver sees every message, its own included, so its `Lagged(n)` counts them \
             too. The hub must skip the sender (`from`) when it hands out a line, and only \
             count lines it would have delivered."
        );
        let ia = a.id();
        assert_eq!(
            ready(&mut b, "client 2"),
            [line(ia, "1"), line(ia, "2"), Delivery::Missed(3)],
            "queues of 2; client 1 published 1..=5: client 2 gets 1 and 2, then `Missed(3)`"
        );
    });
}

#[test]
fn ids_count_up_from_one_in_order_of_joining_and_are_never_reused() {
    support::watchdog_within(QUICK, HANG, || {
        let hub = Hub::new(1);
        let other = hub.clone();
        let first = hub.join();
        let second = other.join();
        let third = hub.join();
        let ids = [first.id(), second.id(), third.id()];
        assert_eq!(
            ids,
            [1, 2, 3],
            "three clients joined one hub (the second through a clone of it): their ids are \
             1, 2, 3, in order of joining, and a clone is the same room"
        );
        drop(second);
        let fourth = hub.join();
        assert_eq!(
            fourth.id(),
            4,
            "clients 1, 2, 3 joined and client 2 left; the next client is 4, never an id \
             used before: `clients().len() + 1` gives 3, the id of someone still in the \
             room, whose lines would then look like the newcomer's (and `publish(from)` \
             would skip both). Count joins with a counter of its own."
        );
        drop((first, third, fourth));
        assert_eq!(
            other.join().id(),
            5,
            "every client left after four had joined; the next one is still 5, not 1"
        );
    });
}

#[test]
fn clients_counts_the_joined_and_a_dropped_subscription_leaves_at_once() {
    support::watchdog_within(QUICK, HANG, || {
        let hub = Hub::new(1);
        assert_eq!(hub.clients(), 0, "a new hub has no clients");
        let a = hub.join();
        let mut b = hub.join();
        let c = hub.join();
        assert_eq!(
            (hub.clients(), hub.clone().clients()),
            (3, 3),
            "three joined: `clients()` is 3, through every clone of the hub"
        );
        // c's queue is full when it leaves; b's too.
        hub.publish(a.id(), "x".into());
        hub.publish(a.id(), "y".into());
        drop(c);
        assert_eq!(
            hub.clients(),
            2,
            "clients 1, 2, 3 joined, and client 3 dropped its subscription (with its queue \
             full): `clients()` is 2 at once. Dropping a `Subscription` leaves the room: that \
             is an `impl Drop for Subscription` that takes its client out of the hub's map. \
             Without it, the hub keeps the client (and its sender) forever and goes on \
             handing it lines nobody reads."
        );
        assert_eq!(
            ready(&mut b, "client 2"),
            [line(1, "x"), Delivery::Missed(1)],
            "queues of 1; client 1 published x and y: client 2 gets x and `Missed(1)`, \
             whoever else leaves"
        );
        drop(a);
        assert_eq!(hub.clients(), 1, "client 1 left too: 1 client");
        hub.publish(7, "from outside".into());
        assert_eq!(
            ready(&mut b, "client 2"),
            [line(7, "from outside")],
            "clients 1 and 3 left, then a line was published as from 7: client 2, the only \
             one left, gets it"
        );
        drop(b);
        assert_eq!(hub.clients(), 0, "everyone left: 0 clients");
        hub.publish(1, "to nobody".into());
    });
}

#[test]
fn a_full_queue_keeps_the_oldest_lines_and_tells_at_once_how_many_it_missed() {
    support::watchdog_within(QUICK, HANG, || {
        let hub = Hub::new(2);
        let (a, mut b) = (hub.join(), hub.join());
        let ia = a.id();
        for k in 1..=5 {
            hub.publish(ia, k.to_string());
        }
        let got = ready(&mut b, "client 2");
        let want = vec![line(ia, "1"), line(ia, "2"), Delivery::Missed(3)];
        let why = if got.len() > 3 && got[..5] == numbered(ia, 1..=5)[..] {
            "Every line arrived: the queue is not bounded (an `unbounded_channel`?). A slow \
             client then holds every line published until it reads them, without limit: \
             the queue must hold at most `queue` lines, and the rest be counted."
                .to_owned()
        } else if got.first() == Some(&Delivery::Missed(3)) {
            "The notice came first and the newest lines were kept: that is \
             `tokio::sync::broadcast`, whose ring overwrites the oldest lines. The hub keeps \
             the lines already queued (the oldest) and counts the newer ones, and the notice \
             comes after the queued lines."
                .to_owned()
        } else if got == want[..2] {
            // Publish one more line to see where the count went.
            hub.publish(ia, "6".into());
            let then = ready(&mut b, "client 2");
            let late = if then == [line(ia, "6"), Delivery::Missed(3)] {
                "It came after the next line (6): counted, but sent after the line. A notice \
                 says what was missed before what comes next, so it comes first."
                    .to_owned()
            } else if then == [Delivery::Missed(3), line(ia, "6")] {
                "It came only with the next line (6): the notice waited for a line to ride \
                 with, or for room beside it. A client that missed the end of a burst would \
                 then not hear of it until someone speaks again."
                    .to_owned()
            } else {
                format!(
                    "After one more line (6), client 2 got {then:?}: a count that is never \
                     reported."
                )
            };
            format!(
                "The notice did not come once client 2 had taken its two lines. {late} Once \
                 the client has taken its queued lines, its stream must yield `Missed(n)` \
                 right away, without waiting for another publish (its `poll_next` looks at \
                 the count when the queue is empty)."
            )
        } else {
            POLICY.to_owned()
        };
        assert_eq!(
            got, want,
            "queues of 2; client 1 published 1..=5 while client 2 read nothing; then client 2 \
             polled until `Pending`: it gets the first two lines, then `Missed(3)` (got, \
             expected). {why}"
        );
        hub.publish(ia, "6".into());
        let got = ready(&mut b, "client 2");
        assert_eq!(
            got,
            [line(ia, "6")],
            "client 2 has taken 1, 2 and `Missed(3)`; then client 1 published 6: client 2 \
             gets 6, and no second notice (got, expected). {POLICY}."
        );
    });
}

#[test]
fn a_client_behind_skips_ahead_until_it_has_caught_up() {
    support::watchdog_within(QUICK, HANG, || {
        let hub = Hub::new(3);
        let (a, mut b) = (hub.join(), hub.join());
        let ia = a.id();
        for k in 1..=4 {
            hub.publish(ia, k.to_string());
        }
        let mut got = Vec::new();
        got.extend(next(&mut b, "client 2"));
        hub.publish(ia, "5".into());
        got.extend(next(&mut b, "client 2"));
        hub.publish(ia, "6".into());
        got.extend(ready(&mut b, "client 2"));
        hub.publish(ia, "7".into());
        got.extend(ready(&mut b, "client 2"));
        let want = vec![
            line(ia, "1"),
            line(ia, "2"),
            line(ia, "3"),
            Delivery::Missed(3),
            line(ia, "7"),
        ];
        let notices: Vec<usize> = (1..got.len())
            .filter(|&k| {
                matches!(got[k], Delivery::Missed(_)) && matches!(got[k - 1], Delivery::Missed(_))
            })
            .collect();
        let why = if !notices.is_empty() {
            "Two notices in a row: the notice was sent into the queue, and a line counted \
             after it got a notice of its own. Once a client is behind, count every line for \
             it until it has taken the notice; then there is one notice with the whole count."
        } else if got.contains(&line(ia, "5")) || got.contains(&line(ia, "6")) {
            "Lines 5 or 6 were queued while client 2 was behind, because it had made room. \
             But the notice it is owed comes after the lines already queued, and a line \
             queued behind the notice could not be counted in it: while a client is behind, \
             count its lines, don't queue them (skip ahead)."
        } else {
            POLICY
        };
        assert_eq!(
            got, want,
            "queues of 3; client 1 published 1..=4 (4 finds the queue full: client 2 is \
             behind), client 2 took 1, client 1 published 5, client 2 took 2, client 1 \
             published 6, client 2 took everything, client 1 published 7, client 2 took \
             everything (got, expected). {why}"
        );
    });
}

#[test]
fn a_queue_of_one_works_too() {
    support::watchdog_within(QUICK, HANG, || {
        let hub = Hub::new(1);
        let (a, mut b) = (hub.join(), hub.join());
        let ia = a.id();
        let mut got = Vec::new();
        hub.publish(ia, "1".into());
        hub.publish(ia, "2".into());
        got.extend(ready(&mut b, "client 2"));
        hub.publish(ia, "3".into());
        hub.publish(ia, "4".into());
        got.extend(next(&mut b, "client 2"));
        hub.publish(ia, "5".into());
        got.extend(ready(&mut b, "client 2"));
        hub.publish(ia, "6".into());
        got.extend(ready(&mut b, "client 2"));
        let want = vec![
            line(ia, "1"),
            Delivery::Missed(1),
            line(ia, "3"),
            Delivery::Missed(2),
            line(ia, "6"),
        ];
        assert_eq!(
            got, want,
            "queues of 1; client 1 published 1 and 2, client 2 took everything, client 1 \
             published 3 and 4, client 2 took one, client 1 published 5, client 2 took \
             everything, client 1 published 6, client 2 took everything (got, expected). A \
             notice that waits in the queue for a free slot next to its line never fits in a \
             queue of 1. {POLICY}."
        );
    });
}

/// The contract for one client, as a plain queue and a count.
struct Model {
    queue: VecDeque<Delivery>,
    capacity: usize,
    missed: u64,
}

impl Model {
    fn publish(&mut self, line: Delivery) {
        if self.missed > 0 {
            self.missed += 1;
        } else if self.queue.len() < self.capacity {
            self.queue.push_back(line);
        } else {
            self.missed = 1;
        }
    }

    fn take(&mut self) -> Option<Delivery> {
        self.queue.pop_front().or_else(|| {
            (self.missed > 0).then(|| Delivery::Missed(std::mem::take(&mut self.missed)))
        })
    }
}

#[test]
fn every_line_is_delivered_or_counted_exactly_whatever_the_order_of_events() {
    support::watchdog_within(QUICK, HANG, || {
        for capacity in [1, 2, 3, 5] {
            let hub = Hub::new(capacity);
            let (mut a, mut b, mut c) = (hub.join(), hub.join(), hub.join());
            let (ia, ic) = (a.id(), c.id());
            let mut model = Model {
                queue: VecDeque::new(),
                capacity,
                missed: 0,
            };
            let mut story = Vec::new();
            let mut seed = 0x2545_f491_4f6c_dd1d_u64 ^ capacity as u64;
            for step in 0..400 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let (got, want) = match seed % 10 {
                    0..=5 => {
                        let from = if seed.is_multiple_of(3) { ic } else { ia };
                        let text = step.to_string();
                        story.push(format!("{from} publishes {text}"));
                        hub.publish(from, text.clone());
                        model.publish(line(from, &text));
                        continue;
                    }
                    6..=8 => {
                        story.push("2 takes one".to_owned());
                        let got = next(&mut b, "client 2").into_iter().collect::<Vec<_>>();
                        (got, model.take().into_iter().collect())
                    }
                    _ => {
                        story.push("2 takes everything".to_owned());
                        let want = std::iter::from_fn(|| model.take()).collect::<Vec<_>>();
                        (ready(&mut b, "client 2"), want)
                    }
                };
                let start = story.len().saturating_sub(12);
                assert_eq!(
                    got,
                    want,
                    "queues of {capacity}; clients 1 and 3 published and client 2 read in a \
                     fixed pseudo-random order; at the last step of this story (its end: \
                     {:?}), client 2 got the first list, the contract gives the second. \
                     {POLICY}.",
                    &story[start..]
                );
            }
            let mine = ready(&mut a, "client 1");
            assert!(
                !mine
                    .iter()
                    .any(|d| matches!(d, Delivery::Line { from, .. } if *from == ia)),
                "client 1 got one of its own lines: a client never gets its own lines"
            );
            let mine = ready(&mut c, "client 3");
            assert!(
                !mine
                    .iter()
                    .any(|d| matches!(d, Delivery::Line { from, .. } if *from == ic)),
                "client 3 got one of its own lines: a client never gets its own lines"
            );
        }
    });
}

#[test]
fn publish_never_waits_for_a_slow_client() {
    let hub = Hub::new(1);
    let probe = hub.clone();
    let (done, finished) = std::sync::mpsc::channel();
    // The publishes run on a thread of their own: if `publish` waits, the
    // test can still ask the hub something, and say what it saw.
    let publisher = std::thread::spawn(move || {
        let (a, mut slow, mut fast) = (hub.join(), hub.join(), hub.join());
        let ia = a.id();
        let mut got = Vec::new();
        for k in 1..=50 {
            hub.publish(ia, k.to_string());
            got.extend(ready(&mut fast, "client 3"));
        }
        let slow = ready(&mut slow, "client 2");
        let _ = done.send((ia, got, slow));
    });
    let (ia, got, slow) = match finished.recv_timeout(QUICK) {
        Ok(results) => results,
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => match publisher.join() {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(()) => unreachable!("the publisher sends its results before it ends"),
        },
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            // Does it wait with the hub's lock held?
            let (answer, answered) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                let _ = answer.send(probe.clients());
            });
            let lock = match answered.recv_timeout(Duration::from_millis(200)) {
                Ok(_) => {
                    "It let go of the hub's lock while it waited, so the other calls went on; \
                     but this publisher, and every line after it, waits for one client."
                }
                Err(_) => {
                    "And it waits with the hub's lock held: `clients()` did not return \
                     either, so `join`, every other publisher and every subscription wait \
                     too: the whole room stops."
                }
            };
            panic!(
                "`publish` did not return while one client's queue was full and nobody read \
                 it: it waited for room. {lock} One slow client must never hold up a \
                 publisher (in the server, everyone would stop hearing anyone). `publish` \
                 must never wait: `try_send`, and count the line when the queue is full, \
                 never `send().await` (under `block_on`) or `blocking_send`"
            );
        }
    };
    assert_eq!(
        got,
        numbered(ia, 1..=50),
        "queues of 1; client 1 published 1..=50; client 3 read after every publish and must \
         get all 50, whatever client 2 (which never read) does"
    );
    assert_eq!(
        slow,
        [line(ia, "1"), Delivery::Missed(49)],
        "client 2 read nothing while 50 lines were published (queues of 1): it gets the first \
         line, then `Missed(49)`"
    );
}

#[test]
fn a_waiting_subscription_is_woken_by_a_delivery_and_not_by_itself() {
    support::watchdog_within(QUICK, HANG, || {
        let hub = Hub::new(1);
        let a = hub.join();
        let ia = a.id();
        let mut b = task::spawn(hub.join());
        assert!(
            b.poll_next().is_pending(),
            "nothing was published: client 2's subscription is `Pending`"
        );
        assert!(
            !b.is_woken(),
            "client 2's subscription returned `Pending` and woke its own task at once, with \
             nothing to deliver: a busy loop (the executor polls it again and again)"
        );
        hub.publish(ia, "1".into());
        assert!(
            b.is_woken(),
            "client 2's subscription was `Pending`, then client 1 published a line, and its \
             task was not woken: a lost wake-up, the line waits until something else polls \
             it. On `Pending`, the waker of `cx` must be where the next line arrives (a \
             channel's `poll_recv` keeps it, for one)."
        );
        assert_eq!(b.poll_next(), Poll::Ready(Some(line(ia, "1"))), "the line");
        assert!(b.poll_next().is_pending(), "nothing more: `Pending`");
        hub.publish(ia, "2".into());
        hub.publish(ia, "3".into());
        assert!(
            b.is_woken(),
            "two lines published: client 2's task is woken"
        );
        assert_eq!(b.poll_next(), Poll::Ready(Some(line(ia, "2"))), "line 2");
        assert_eq!(
            b.poll_next(),
            Poll::Ready(Some(Delivery::Missed(1))),
            "queues of 1: line 3 found the queue full, and client 2 has taken line 2: the \
             notice comes at once"
        );
        assert!(b.poll_next().is_pending(), "nothing more: `Pending`");
        assert!(
            !b.is_woken(),
            "after the notice, client 2's subscription returned `Pending` and woke its own \
             task at once: a busy loop"
        );
        hub.publish(ia, "4".into());
        assert!(
            b.is_woken(),
            "client 2 had taken its notice and was `Pending`; then a line was published, and \
             its task was not woken: a lost wake-up"
        );
        assert_eq!(b.poll_next(), Poll::Ready(Some(line(ia, "4"))), "line 4");
    });
}

/// The lines of `from` among `got`, as numbers, in the order received.
fn numbers_from(got: &[Delivery], from: ClientId) -> Vec<u32> {
    got.iter()
        .filter_map(|d| match d {
            Delivery::Line { from: f, text } if *f == from => text.parse().ok(),
            _ => None,
        })
        .collect()
}

fn is_send_sync<T: Send + Sync>(_: &T) {}
fn is_send_stream<S: Stream + Send + Unpin>(_: &S) {}

#[test]
fn many_publishers_at_once_every_client_gets_one_same_order() {
    const PUBLISHERS: usize = 4;
    const LINES: u32 = 250;
    let got = support::multi_thread(HANG, 4, || async {
        let total = PUBLISHERS * LINES as usize;
        let hub = Hub::new(total);
        is_send_sync(&hub);
        let publishers: Vec<Subscription> = (0..PUBLISHERS).map(|_| hub.join()).collect();
        let readers: Vec<Subscription> = (0..3).map(|_| hub.join()).collect();
        is_send_stream(&readers[0]);
        let reading: Vec<_> = readers
            .into_iter()
            .map(|mut reader| {
                tokio::spawn(async move {
                    let mut got = Vec::new();
                    while got.len() < total {
                        match reader.next().await {
                            Some(delivery) => got.push(delivery),
                            None => break,
                        }
                    }
                    (got, reader)
                })
            })
            .collect();
        // Clients join and leave all the while.
        let churn = {
            let hub = hub.clone();
            tokio::spawn(async move {
                for _ in 0..200 {
                    let passing = hub.join();
                    tokio::task::yield_now().await;
                    drop(passing);
                }
            })
        };
        let publishing: Vec<_> = publishers
            .iter()
            .map(|p| {
                let (hub, id) = (hub.clone(), p.id());
                tokio::spawn(async move {
                    for k in 1..=LINES {
                        hub.publish(id, k.to_string());
                        if k.is_multiple_of(8) {
                            tokio::task::yield_now().await;
                        }
                    }
                })
            })
            .collect();
        for task in publishing {
            task.await.expect("a publisher's task panicked");
        }
        churn.await.expect("the joining and leaving task panicked");
        let mut got = Vec::new();
        let mut still_joined = Vec::new();
        for task in reading {
            let (lines, reader) = task.await.expect("a reader's task panicked");
            got.push(lines);
            still_joined.push(reader);
        }
        let ids: Vec<ClientId> = publishers.iter().map(Subscription::id).collect();
        (got, ids, hub.clients())
    });
    let (readers, ids, clients) = got;
    assert_eq!(
        clients,
        PUBLISHERS + 3,
        "4 publishers and 3 readers stayed joined, 200 more clients joined and left while \
         they published: `clients()` must be 7 at the end"
    );
    for (r, got) in readers.iter().enumerate() {
        assert_eq!(
            got.len(),
            PUBLISHERS * LINES as usize,
            "reader {r} (queues of 1000, 4 publishers × 250 lines) must get all 1000 lines"
        );
        for &id in &ids {
            let numbers = numbers_from(got, id);
            assert_eq!(
                numbers,
                (1..=LINES).collect::<Vec<_>>(),
                "4 publishers on a 4-thread runtime published 250 lines each at the same \
                 time; reader {r} got client {id}'s lines in this order, but each \
                 publisher's lines must arrive in the order it published them, every one \
                 of them"
            );
        }
    }
    assert!(
        readers.windows(2).all(|w| w[0] == w[1]),
        "three readers got the same 1000 lines, but not in the same order: every client must \
         get the lines in one same order (one publish reaches everyone before the next \
         starts: publish under the hub's lock)"
    );
}

#[test]
fn under_load_a_slow_reader_gets_every_line_or_its_count() {
    const PUBLISHERS: u64 = 4;
    const LINES: u32 = 500;
    let (got, ids) = support::multi_thread(
        "a slow reader waited for the rest of 2000 lines and never got them, nor a notice \
         counting them: after the last publish, once it has taken its queue, its stream \
         must yield `Missed(n)` at once, not wait for another line (or the count was \
         lost: every line must be delivered or counted)",
        4,
        || async {
            let hub = Hub::new(4);
            let publishers: Vec<Subscription> = (0..PUBLISHERS).map(|_| hub.join()).collect();
            let mut reader = hub.join();
            let total = PUBLISHERS * LINES as u64;
            let reading = tokio::spawn(async move {
                let mut got = Vec::new();
                let mut accounted = 0;
                while accounted < total {
                    let Some(delivery) = reader.next().await else {
                        break;
                    };
                    accounted += match delivery {
                        Delivery::Missed(n) => n,
                        Delivery::Line { .. } => 1,
                    };
                    got.push(delivery);
                    tokio::task::yield_now().await;
                }
                (got, reader)
            });
            let publishing: Vec<_> = publishers
                .iter()
                .map(|p| {
                    let (hub, id) = (hub.clone(), p.id());
                    tokio::spawn(async move {
                        for k in 1..=LINES {
                            hub.publish(id, k.to_string());
                            if k.is_multiple_of(16) {
                                tokio::task::yield_now().await;
                            }
                        }
                    })
                })
                .collect();
            for task in publishing {
                task.await.expect("a publisher's task panicked");
            }
            let (mut got, mut reader) = reading.await.expect("the reader's task panicked");
            got.extend(ready(&mut reader, "the reader"));
            let ids: Vec<ClientId> = publishers.iter().map(Subscription::id).collect();
            (got, ids)
        },
    );
    let lines = got
        .iter()
        .filter(|d| matches!(d, Delivery::Line { .. }))
        .count() as u64;
    let missed: u64 = got
        .iter()
        .map(|d| if let Delivery::Missed(n) = d { *n } else { 0 })
        .sum();
    assert_eq!(
        lines + missed,
        PUBLISHERS * LINES as u64,
        "4 publishers published 500 lines each at once to a reader with a queue of 4 that \
         read slowly; it got {lines} lines and notices counting {missed}: together they must \
         be exactly the 2000 lines published, no line both delivered and counted, none \
         forgotten"
    );
    for pair in got.windows(2) {
        assert!(
            !matches!(pair, [Delivery::Missed(_), Delivery::Missed(_)]),
            "the slow reader got two notices in a row ({pair:?}): {POLICY}"
        );
    }
    assert!(
        !got.contains(&Delivery::Missed(0)),
        "the slow reader got `Missed(0)`: a notice is due only when a line was missed"
    );
    for id in ids {
        let numbers = numbers_from(&got, id);
        assert!(
            numbers.windows(2).all(|w| w[0] < w[1]),
            "the slow reader got client {id}'s lines out of order: {numbers:?}"
        );
    }
}
