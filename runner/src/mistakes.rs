//! Classic mistakes, recognised in a learner's run.
//!
//! Every `variants/<id>/<name>.rs` says, in its `//! expect:` lines, what its
//! suite does with it: `pass` (a right answer written differently), or, for
//! a classic mistake, `fail <test> "<words>"` for each test it fails, with
//! words its message must contain, and `pass <test>` for a test it passes
//! where a kindred mistake fails it. `cargo verify` holds every variant to
//! those lines. The same lines, read the other way, recognise a mistake in a
//! learner's run:
//!
//! - each of its `fail` tests failed and said its words (any case), and none
//!   of them stopped at a `todo!()` ("not yet implemented": an unfinished
//!   part shows no mistake), and each of its `pass` tests passed;
//! - of two mistakes seen, one whose failing tests are a part of the other's
//!   is left out: the other explains more of the run.
//!
//! The report then names it, with the variant's own first sentence and where
//! the exercise's page explains it. A mistake with a test named without words
//! is never claimed (failing a test is not enough to name a cause). A run in
//! which every test fails gets no special treatment: a `todo!()` stub claims
//! nothing because of the first rule, and a spot-the-bug stub because no
//! mistake's lines fit its shipped bug.
//!
//! The lines carry the whole rule, so they must tell the mistakes apart:
//! `cargo verify` checks that in each mistake's own run the report names that
//! mistake and no other, and that it names none in a run of a right answer
//! (the `ok_` variants, the reference solutions) or of an untouched stub.
//! Two exceptions are written in the variants themselves, and checked:
//! `expect: named with <variant>` for two ways of writing one mistake that no
//! test tells apart (the report names both, in the run of either), and
//! `expect: like the stub` for a mistake that behaves as the shipped bug does
//! (never named: the untouched stub would be too).

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail, ensure};

use crate::manifest::Exercise;
use crate::suite::{Run, Status};

/// What a variant's suite run must show.
#[derive(Debug, Clone, PartialEq)]
pub enum Expect {
    /// Every test passes.
    Pass,
    /// This test fails, and its output contains this text (any case).
    Fail { test: String, says: Option<String> },
    /// This test passes (a mistake's line, beside its `fail` lines: what
    /// tells it apart from a kindred mistake that fails it too).
    Passes { test: String },
    /// The suite cannot tell this mistake from the variant `variants/<id>/
    /// <name>.rs`, the same symptoms written another way: the report names
    /// both, in the run of either. A known exception, checked both ways by
    /// `cargo verify`; the matcher itself ignores it.
    NamedWith { name: String },
    /// A mistake that behaves as the untouched stub does (in a spot-the-bug
    /// exercise: the shipped bug written another way). Its `fail` lines are
    /// checked, but the report never names it: it could not without naming
    /// the untouched stub too.
    LikeTheStub,
}

/// A variant's `//! expect:` lines.
pub fn parse_expectations(source: &str) -> Result<Vec<Expect>> {
    let mut expectations = Vec::new();
    for line in source.lines() {
        let Some(rest) = line.trim().strip_prefix("//! expect:") else {
            continue;
        };
        let rest = rest.trim();
        if rest == "pass" {
            expectations.push(Expect::Pass);
        } else if rest == "like the stub" {
            expectations.push(Expect::LikeTheStub);
        } else if let Some(name) = rest.strip_prefix("named with ") {
            let name = name.trim();
            ensure!(
                !name.is_empty() && !name.contains(char::is_whitespace),
                "cannot read `{line}`: expected `expect: named with <variant>`, one file stem"
            );
            expectations.push(Expect::NamedWith {
                name: name.to_owned(),
            });
        } else if let Some(test) = rest.strip_prefix("pass ") {
            let test = test.trim();
            ensure!(
                !test.is_empty() && !test.contains(char::is_whitespace),
                "cannot read `{line}`: expected `expect: pass <test>`, one test name"
            );
            expectations.push(Expect::Passes {
                test: test.to_owned(),
            });
        } else if let Some(rest) = rest.strip_prefix("fail ") {
            let (test, says) = match rest.split_once(' ') {
                None => (rest, None),
                Some((test, says)) => {
                    let says = says.trim();
                    let says = says
                        .strip_prefix('"')
                        .and_then(|s| s.strip_suffix('"'))
                        .with_context(|| format!("quote the expected text: `{line}`"))?;
                    (test, Some(says.to_owned()))
                }
            };
            expectations.push(Expect::Fail {
                test: test.to_owned(),
                says,
            });
        } else {
            bail!(
                "cannot read `{line}`: expected `expect: pass`, `expect: fail <test> \"<text>\"`, \
                 `expect: pass <test>`, `expect: named with <variant>` or `expect: like the stub`"
            );
        }
    }
    ensure!(!expectations.is_empty(), "no `//! expect:` line");
    ensure!(
        !(expectations.contains(&Expect::Pass) && expectations.len() > 1),
        "`expect: pass` cannot be combined with other `expect:` lines"
    );
    ensure!(
        expectations
            .iter()
            .any(|e| matches!(e, Expect::Pass | Expect::Fail { .. })),
        "`expect: pass <test>`, `named with` and `like the stub` belong to a mistake: it \
         needs `expect: fail` lines too"
    );
    Ok(expectations)
}

/// A classic mistake, as its variant describes it.
#[derive(Debug, Clone)]
pub struct Mistake {
    /// `variants/<id>/<name>.rs`.
    pub file: String,
    /// The variant's first sentence, without its label ("Mistake: ").
    pub summary: String,
    /// Each test it fails, and the words of its message; `None` when a test
    /// is named without words (then the mistake is never claimed).
    signs: Vec<(String, Option<String>)>,
    /// The tests it names as passing (`expect: pass <test>`).
    passes: Vec<String>,
}

/// What a test says when it reached a `todo!()`: an unfinished part, which
/// shows no mistake.
const UNFINISHED: &str = "not yet implemented";

impl Mistake {
    /// The mistake `source` (the variant at `file`) describes; `None` for a
    /// right answer, and for a mistake the report never names (`like the
    /// stub`).
    pub fn from_source(file: &str, source: &str) -> Result<Option<Mistake>> {
        let mut signs = Vec::new();
        let mut passes = Vec::new();
        for expect in parse_expectations(source)? {
            match expect {
                Expect::Pass | Expect::NamedWith { .. } => {}
                Expect::Fail { test, says } => signs.push((test, says)),
                Expect::Passes { test } => passes.push(test),
                Expect::LikeTheStub => return Ok(None),
            }
        }
        if signs.is_empty() {
            return Ok(None);
        }
        Ok(Some(Mistake {
            file: file.to_owned(),
            summary: summary(source),
            signs,
            passes,
        }))
    }

    /// Whether `run` shows this mistake: each test it fails failed, saying
    /// its words and not `not yet implemented` (a `todo!()` reached is an
    /// unfinished file, not a mistake), and each test it passes passed.
    pub fn seen_in(&self, run: &Run) -> bool {
        let outcome = |test: &str| run.outcomes.iter().find(|o| o.name == test);
        let fails = self.signs.iter().all(|(test, says)| {
            let Some(says) = says else { return false };
            outcome(test).is_some_and(|o| {
                let output = o.output.to_lowercase();
                o.status == Status::Failed
                    && output.contains(&says.to_lowercase())
                    && !output.contains(UNFINISHED)
            })
        });
        fails
            && self
                .passes
                .iter()
                .all(|test| outcome(test).is_some_and(|o| o.status == Status::Passed))
    }

    /// Whether it can be recognised at all: every test it names has words.
    pub fn recognisable(&self) -> bool {
        self.signs.iter().all(|(_, says)| says.is_some())
    }
}

/// The first sentence of a variant's doc comment, on one line, without its
/// label: "Mistake: the goodbye at once, without …" gives "the goodbye at
/// once, without …".
fn summary(source: &str) -> String {
    let mut text = String::new();
    for line in source.lines() {
        let Some(doc) = line.trim().strip_prefix("//!") else {
            break;
        };
        let doc = doc.trim();
        if doc.is_empty() || doc.starts_with("expect:") {
            break;
        }
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(doc);
    }
    // The label: a few words before the first colon ("Mistake",
    // "Mistake in the fix", "Half a fix").
    if let Some((label, rest)) = text.split_once(": ")
        && label.len() <= 40
    {
        text = rest.to_owned();
    }
    let end = text
        .char_indices()
        .find(|&(i, c)| c == '.' && text[i + 1..].starts_with(' '))
        .map_or(text.len(), |(i, _)| i);
    text[..end].trim_end_matches('.').to_owned()
}

/// The variants of exercise `id`: `variants/<id>/*.rs`, in name order.
pub fn variant_files(root: &Path, id: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(root.join("variants").join(id))
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .collect();
    files.sort();
    files
}

/// The classic mistakes of exercise `id`: its variants that fail. A
/// variant that cannot be read is left out (`cargo verify` reports it).
pub fn known(root: &Path, id: &str) -> Vec<Mistake> {
    variant_files(root, id)
        .iter()
        .filter_map(|path| {
            let source = fs::read_to_string(path).ok()?;
            let name = path.file_name()?.to_string_lossy();
            let file = format!("variants/{id}/{name}");
            Mistake::from_source(&file, &source).ok().flatten()
        })
        .collect()
}

/// The mistakes that `run` shows. Of two that both match, one whose failing
/// tests are a part of the other's is left out: the other explains more of
/// the run (a countdown that never wakes fails the test of a countdown that
/// wakes the wrong waker, and one more).
pub fn recognise<'a>(mistakes: &'a [Mistake], run: &Run) -> Vec<&'a Mistake> {
    let seen: Vec<&Mistake> = mistakes
        .iter()
        .filter(|mistake| mistake.seen_in(run))
        .collect();
    let tests = |mistake: &Mistake| -> BTreeSet<String> {
        mistake.signs.iter().map(|(test, _)| test.clone()).collect()
    };
    seen.iter()
        .copied()
        .filter(|mistake| {
            let mine = tests(mistake);
            !seen.iter().any(|other| {
                let theirs = tests(other);
                mine.len() < theirs.len() && mine.is_subset(&theirs)
            })
        })
        .collect()
}

/// What the report says about the mistakes a run shows, or nothing.
pub fn claim(exercise: &Exercise, root: &Path, seen: &[&Mistake]) -> String {
    let page = format!(
        "\"Common mistakes\" on its page, {}",
        exercise.where_to_read(root)
    );
    match seen {
        [] => String::new(),
        [one] => format!(
            "This looks like a classic mistake: {} ({}). See {page}.\n",
            one.summary, one.file
        ),
        more => {
            // Up to four: the most a suite's declared twins (`named with`)
            // number today; the first failure stays on a 24-line screen.
            let mut text = String::from("This looks like one of these classic mistakes:\n");
            for mistake in more.iter().take(4) {
                text.push_str(&format!("  - {} ({})\n", mistake.summary, mistake.file));
            }
            if more.len() > 4 {
                text.push_str(&format!("  - and {} more\n", more.len() - 4));
            }
            text.push_str(&format!("See {page}.\n"));
            text
        }
    }
}

#[cfg(test)]
mod tests {

    use super::*;

    fn run(outcomes: &[(&str, Status, &str)]) -> Run {
        Run::of(outcomes)
    }

    const LOST: &str = "//! Mistake: the goodbye at once, without what is queued. Whatever\n\
        //! the hub had queued is dropped.\n\
        //! expect: fail drains \"lost at shutdown\"\n\
        //! expect: fail greets \"Welcome\"\n\nuse std::io;\n";

    #[test]
    fn a_mistake_is_recognised_by_its_tests_and_their_words_in_any_case() {
        let mistake = Mistake::from_source("variants/x/lost.rs", LOST)
            .unwrap()
            .unwrap();
        assert_eq!(
            mistake.summary,
            "the goodbye at once, without what is queued"
        );
        let both = run(&[
            (
                "drains",
                Status::Failed,
                "lines LOST AT SHUTDOWN: drain first",
            ),
            ("greets", Status::Failed, "no welcome"),
            ("other", Status::Passed, ""),
        ]);
        assert!(mistake.seen_in(&both));
        // One of its tests passes: not this mistake.
        let one = run(&[
            ("drains", Status::Failed, "lost at shutdown"),
            ("greets", Status::Passed, ""),
        ]);
        assert!(!mistake.seen_in(&one));
        // Its tests fail, but with other words.
        let other = run(&[
            ("drains", Status::Failed, "the goodbye never came"),
            ("greets", Status::Failed, "welcome"),
        ]);
        assert!(!mistake.seen_in(&other));
    }

    #[test]
    fn a_test_that_reached_a_todo_shows_no_mistake() {
        let mistake = Mistake::from_source("variants/x/lost.rs", LOST)
            .unwrap()
            .unwrap();
        // The words are there (a suite's own text around the panic), but the
        // test stopped at an unfinished part.
        let todo = run(&[
            (
                "drains",
                Status::Failed,
                "panicked at exercises/src/x.rs:9:5:\nnot yet implemented: drain the queue\n\
                 lost at shutdown?",
            ),
            ("greets", Status::Failed, "welcome"),
            ("other", Status::Passed, ""),
        ]);
        assert!(!mistake.seen_in(&todo));
        assert!(recognise(std::slice::from_ref(&mistake), &todo).is_empty());
    }

    #[test]
    fn a_mistake_that_names_a_test_it_passes_is_seen_only_when_that_test_passes() {
        let half = Mistake::from_source(
            "variants/x/half_a_fix.rs",
            "//! Half a fix: one channel polled.\n\
             //! expect: fail urgent_wakes \"lost wake-up\"\n\
             //! expect: pass normal_wakes\n",
        )
        .unwrap()
        .unwrap();
        let half_fixed = run(&[
            ("urgent_wakes", Status::Failed, "a lost wake-up"),
            ("normal_wakes", Status::Passed, ""),
        ]);
        assert!(half.seen_in(&half_fixed));
        // The shipped bug: both fail, so this is not the half fix.
        let shipped = run(&[
            ("urgent_wakes", Status::Failed, "a lost wake-up"),
            ("normal_wakes", Status::Failed, "a lost wake-up"),
        ]);
        assert!(!half.seen_in(&shipped));
        // A test that did not run shows nothing either.
        let missing = run(&[("urgent_wakes", Status::Failed, "a lost wake-up")]);
        assert!(!half.seen_in(&missing));
    }

    #[test]
    fn a_run_in_which_every_test_fails_can_still_show_a_mistake() {
        let mistake = Mistake::from_source("variants/x/lost.rs", LOST)
            .unwrap()
            .unwrap();
        let all = run(&[
            ("drains", Status::Failed, "lost at shutdown"),
            ("greets", Status::Failed, "welcome"),
        ]);
        let seen = recognise(std::slice::from_ref(&mistake), &all);
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].file, "variants/x/lost.rs");
    }

    #[test]
    fn of_two_matching_mistakes_the_one_that_explains_more_failures_is_named() {
        let never = Mistake::from_source(
            "variants/x/never_wakes.rs",
            "//! Mistake: never wakes.\n//! expect: fail a \"lost\"\n//! expect: fail b \"waker\"\n",
        )
        .unwrap()
        .unwrap();
        let stored = Mistake::from_source(
            "variants/x/stored.rs",
            "//! Mistake: an old waker.\n//! expect: fail b \"waker\"\n",
        )
        .unwrap()
        .unwrap();
        let known = [never, stored];
        let both = run(&[
            ("a", Status::Failed, "lost"),
            ("b", Status::Failed, "waker"),
            ("c", Status::Passed, ""),
        ]);
        let seen = recognise(&known, &both);
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].file, "variants/x/never_wakes.rs");
        let only_b = run(&[("a", Status::Passed, ""), ("b", Status::Failed, "waker")]);
        assert_eq!(recognise(&known, &only_b)[0].file, "variants/x/stored.rs");
    }

    #[test]
    fn a_right_answer_is_no_mistake_and_a_test_without_words_claims_nothing() {
        let right = "//! Right, written differently.\n//! expect: pass\n";
        assert!(Mistake::from_source("f", right).unwrap().is_none());
        let vague = "//! Mistake: something.\n//! expect: fail drains\n";
        let mistake = Mistake::from_source("f", vague).unwrap().unwrap();
        assert!(!mistake.recognisable());
        assert!(!mistake.seen_in(&run(&[("drains", Status::Failed, "anything")])));
    }

    #[test]
    fn a_mistake_like_the_stub_is_never_named() {
        let source = "//! Mistake: `biased;` on the select.\n\
                      //! expect: like the stub\n\
                      //! expect: fail lost \"not cancel safe\"\n";
        // Its `fail` lines are verify's to check; the report never names it.
        assert!(Mistake::from_source("f", source).unwrap().is_none());
        assert_eq!(parse_expectations(source).unwrap()[0], Expect::LikeTheStub);
    }

    #[test]
    fn twins_declared_named_with_each_other_are_both_named() {
        let twin = |name: &str, other: &str| {
            let source = format!(
                "//! Mistake: {name}.\n//! expect: fail a \"lost\"\n\
                 //! expect: named with {other}\n"
            );
            Mistake::from_source(&format!("variants/x/{name}.rs"), &source)
                .unwrap()
                .unwrap()
        };
        // The declaration is for verify: to the matcher they are two
        // mistakes with the same signs.
        let known = [twin("one_way", "other_way"), twin("other_way", "one_way")];
        let seen = recognise(&known, &run(&[("a", Status::Failed, "lost")]));
        assert_eq!(seen.len(), 2);
    }

    #[test]
    fn the_summary_is_the_first_sentence_without_its_label() {
        let source = "//! Half a fix: `biased;` on the\n//! select. It still loses items.\n";
        assert_eq!(summary(source), "`biased;` on the select");
        let source = "//! The \"fix\" everyone tries first: a `Mutex` (from std).\n";
        assert_eq!(summary(source), "a `Mutex` (from std)");
    }
}
