//! The "Composing streams" chapter, merging: what the ecosystem's merges do
//! with inputs that always have an item ready, and what they say about their
//! size. Every input here is an endless `stream::iter`, tagged with its
//! number, so each item shows which input it came from.
//!
//! Nothing waits: every poll finds an item ready, so `block_on` never parks.

// The reference solution, compiled in as the suites compile theirs.
#[path = "../solutions/src/merge_fair.rs"]
mod merge_fair;

use futures::executor::block_on;
use futures::stream::{self, BoxStream, Stream, StreamExt};
use merge_fair::MergeFair;
use tokio_stream::StreamMap;

/// Input `k`: an endless stream of `k`s.
fn endless(k: u8) -> BoxStream<'static, u8> {
    stream::repeat(k).boxed()
}

/// Whether any `n` items in a row hold one item of each of `n` inputs.
fn in_rotation(items: &[u8], n: usize) -> bool {
    items.windows(n).all(|window| {
        let mut turn = window.to_vec();
        turn.sort_unstable();
        turn.dedup();
        turn.len() == n
    })
}

fn main() {
    // ANCHOR: select_all
    // `select_all` keeps its inputs in a `FuturesUnordered`; an input that
    // gave an item goes back at the end of the queue. Always-ready inputs
    // therefore take turns.
    let merged: Vec<u8> = block_on(
        stream::select_all([endless(1), endless(2), endless(3)])
            .take(12)
            .collect(),
    );
    assert_eq!(merged, [1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3]);
    // ANCHOR_END: select_all

    // ANCHOR: select
    // `select` merges two, and alternates which one it tries first.
    let two: Vec<u8> = block_on(stream::select(endless(1), endless(2)).take(6).collect());
    assert_eq!(two, [1, 2, 1, 2, 1, 2]);
    // ANCHOR_END: select

    // ANCHOR: stream_map
    // `StreamMap` starts every poll at a random input: no input is favoured
    // on average, but the order is not a rotation. (The chance that 30 items
    // come out in rotation by luck is below one in a billion billion.)
    let mut map = StreamMap::new();
    for k in 1..=3 {
        map.insert(k, endless(k));
    }
    let keyed: Vec<u8> = block_on(map.map(|(_key, item)| item).take(30).collect());
    assert!(!in_rotation(&keyed, 3), "{keyed:?}");
    for k in 1..=3 {
        assert!(keyed.contains(&k), "every input gets some turns: {keyed:?}");
    }
    // ANCHOR_END: stream_map

    // The exercise's merge takes turns too.
    let fair: Vec<u8> = block_on(
        MergeFair::new([endless(1), endless(2), endless(3)])
            .take(30)
            .collect(),
    );
    assert!(in_rotation(&fair, 3), "{fair:?}");

    // ANCHOR: size_hints
    let finite = || [stream::iter(0..3).boxed(), stream::iter(0..4).boxed()];
    // `SelectAll` and `Select` do not implement `size_hint`: `Stream`'s
    // default says "at least 0, at most unknown".
    assert_eq!(stream::select_all(finite()).size_hint(), (0, None));
    let [a, b] = finite();
    assert_eq!(stream::select(a, b).size_hint(), (0, None));
    // `StreamMap` adds up its inputs' hints, as `MergeFair` does.
    let map: StreamMap<usize, _> = finite().into_iter().enumerate().collect();
    assert_eq!(map.size_hint(), (7, Some(7)));
    assert_eq!(MergeFair::new(finite()).size_hint(), (7, Some(7)));
    // ANCHOR_END: size_hints

    println!("merging_fairness: every claim holds");
}
