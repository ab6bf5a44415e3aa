//! The book's preprocessor: it adds each exercise's page to the book, under
//! its concept chapter and in manifest order, and fills in what the manifest
//! knows, so the book never keeps a second list of exercises.
//!
//! `book/book.toml` runs it as `cargo run -- book-preprocessor`, before
//! mdBook's own `links` preprocessor expands `{{#include}}`. On a page it
//! expands:
//!
//! - `{{#asynclings run}}`: how to start and test this page's exercise;
//! - `{{#asynclings hints}}`: its three hints, each folded away;
//! - `{{#asynclings exercises}}`: a table of all exercises (any page).
//!
//! It also ends every exercise page with its "Next" section, made from the
//! manifest's order: the next exercise, and the concept chapters to read
//! before it; after the last exercise, what the book has left. A page that
//! writes a "Next" of its own is refused (see [`hand_written_next`]), so the
//! links can never fall out of step with the manifest.
//!
//! See <https://rust-lang.github.io/mdBook/for_developers/preprocessors.html>
//! for the protocol: `supports <renderer>`, then the book as JSON on stdin.

use std::fs;
use std::io::{self, Read};
use std::path::Path;

use anyhow::{Context, Result, bail, ensure};
use serde_json::{Value, json};

use crate::manifest::{Exercise, Kind, Manifest};

const MARKER: &str = "{{#asynclings ";

/// Entry point: `args` are what mdBook passed after the subcommand.
pub fn preprocess(root: &Path, args: &[String]) -> Result<()> {
    if args.first().is_some_and(|arg| arg == "supports") {
        // Everything here is plain Markdown: fine for every renderer.
        return Ok(());
    }
    let mut input = String::new();
    io::stdin().read_to_string(&mut input)?;
    let (_context, mut book): (Value, Value) =
        serde_json::from_str(&input).context("reading the book from mdBook")?;
    let manifest = Manifest::load(root)?;
    add_exercise_pages(root, &manifest, &mut book)?;
    expand_markers(root, &manifest, &mut book)?;
    serde_json::to_writer(io::stdout(), &book)?;
    Ok(())
}

/// Adds a chapter for each exercise, under the chapter named by its `chapter`.
fn add_exercise_pages(root: &Path, manifest: &Manifest, book: &mut Value) -> Result<()> {
    let items = book["items"]
        .as_array_mut()
        .context("the book from mdBook has no `items`")?;
    let mut chapters = Vec::new();
    collect_chapters(items, &mut chapters);
    let order: Vec<&str> = chapters.iter().map(|(path, _)| path.as_str()).collect();
    let mut last_position = 0;
    for (index, exercise) in manifest.exercises.iter().enumerate() {
        ensure!(
            !order.iter().any(|path| path == &exercise.page),
            "book/src/SUMMARY.md lists {}: exercise pages come from exercises.toml, \
             remove that line",
            exercise.page
        );
        let parent_path = format!("{}.md", exercise.chapter);
        let position = order
            .iter()
            .position(|path| *path == parent_path)
            .with_context(|| {
                format!(
                    "exercise `{}` belongs to chapter `{}`, but SUMMARY.md has no {parent_path}",
                    exercise.id, exercise.chapter
                )
            })?;
        ensure!(
            position >= last_position,
            "exercise `{}` (chapter `{}`) comes after an exercise of a later chapter in \
             exercises.toml: keep the manifest in book order",
            exercise.id,
            exercise.chapter
        );
        last_position = position;
        let parent = find_chapter(items, &parent_path).expect("the path was just found");
        let mut content = fs::read_to_string(root.join(exercise.book_page()))
            .with_context(|| format!("reading {}", exercise.book_page().display()))?;
        for marker in ["run", "hints"] {
            ensure!(
                content.contains(&format!("{MARKER}{marker}}}}}")),
                "{} has no `{MARKER}{marker}}}}}`: every exercise page shows how to run \
                 it and its hints",
                exercise.book_page().display()
            );
        }
        if let Some((line, text)) = hand_written_next(&content) {
            bail!(
                "{}:{line} writes its own \"Next\" (`{}`): the book's preprocessor ends \
                 every exercise page with a Next section made from the order of \
                 exercises.toml. Remove it (see CONTRIBUTING.md, \"Adding an exercise\")",
                exercise.book_page().display(),
                text.trim()
            );
        }
        if !content.ends_with('\n') {
            content.push('\n');
        }
        content.push('\n');
        content.push_str(&next_section(manifest, index, &chapters));
        // A numbered chapter's pages are numbered too: 2. Futures, 2.1. Countdown.
        let number = parent["number"].as_array().map(|number| {
            let mut number = number.clone();
            let sub_count = parent["sub_items"].as_array().map_or(0, Vec::len);
            number.push(json!(sub_count + 1));
            number
        });
        let mut parent_names = parent["parent_names"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        parent_names.push(parent["name"].clone());
        let sub_items = parent["sub_items"]
            .as_array_mut()
            .context("a chapter without `sub_items`")?;
        sub_items.push(json!({
            "Chapter": {
                "name": exercise.title,
                "content": content,
                "number": number,
                "sub_items": [],
                "path": exercise.page,
                "source_path": exercise.page,
                "parent_names": parent_names,
            }
        }));
    }
    Ok(())
}

/// The `path` and `name` of every chapter, depth first: the order of the
/// book.
fn collect_chapters(items: &[Value], chapters: &mut Vec<(String, String)>) {
    for item in items {
        if let Some(chapter) = item.get("Chapter") {
            if let Some(path) = chapter["path"].as_str() {
                let name = chapter["name"].as_str().unwrap_or(path);
                chapters.push((path.to_owned(), name.to_owned()));
            }
            if let Some(sub_items) = chapter["sub_items"].as_array() {
                collect_chapters(sub_items, chapters);
            }
        }
    }
}

/// The "Next" section that ends the page of exercise number `index` (from
/// 0, in manifest order): a link to the next exercise, after the concept
/// chapters that come before it in the book; or, after the last exercise,
/// the chapters the book still has. `chapters` is the book's own pages, in
/// order, as `(path, name)`, without the exercise pages.
fn next_section(manifest: &Manifest, index: usize, chapters: &[(String, String)]) -> String {
    let exercise = &manifest.exercises[index];
    let from = exercise.page.as_str();
    let position = |chapter: &str| {
        let path = format!("{chapter}.md");
        chapters.iter().position(|(p, _)| *p == path)
    };
    // The chapters after this exercise's own, up to `until` (all of them if
    // `None`), as links.
    let chapters_after = |until: Option<usize>| -> Vec<String> {
        let start = position(&exercise.chapter).map_or(chapters.len(), |p| p + 1);
        let end = until.map_or(chapters.len(), |p| p + 1);
        chapters
            .get(start..end.max(start))
            .unwrap_or_default()
            .iter()
            .map(|(path, name)| format!("[{name}]({})", relative_link(from, path)))
            .collect()
    };
    let text = match manifest.exercises.get(index + 1) {
        Some(next) => {
            let link = format!("[{}]({})", next.title, relative_link(from, &next.page));
            let to_read = if next.chapter == exercise.chapter {
                Vec::new()
            } else {
                chapters_after(position(&next.chapter))
            };
            if to_read.is_empty() {
                format!("The next exercise: {link}.")
            } else {
                format!(
                    "Read {}, then go on to the next exercise: {link}.",
                    join_words(&to_read)
                )
            }
        }
        None => {
            let mut text = match manifest.exercises.len() {
                1 => String::from("That was the only exercise."),
                count => format!("That was the last of the {count} exercises."),
            };
            text.push_str(
                " `cargo run -- list` shows where each one stands, in case you skipped one.",
            );
            let rest = chapters_after(None);
            if !rest.is_empty() {
                text.push_str(&format!(" The book goes on with {}.", join_words(&rest)));
            }
            text
        }
    };
    format!("## Next\n\n{text}\n")
}

/// `a`, `a and b`, `a, b and c`.
fn join_words(words: &[String]) -> String {
    match words {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The link from page `from` to page `to`, both relative to `book/src`.
fn relative_link(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> = from
        .split('/')
        .collect::<Vec<_>>()
        .split_last()
        .map_or(Vec::new(), |(_, dir)| dir.to_vec());
    let to: Vec<&str> = to.split('/').collect();
    let common = from_dir
        .iter()
        .zip(&to)
        .take_while(|(a, b)| a == b)
        .count()
        .min(to.len() - 1);
    let mut parts = vec![".."; from_dir.len() - common];
    parts.extend(&to[common..]);
    parts.join("/")
}

/// Where `content` writes a "Next" section of its own, as the line number
/// (from 1) and the line. Outside fenced code blocks, it is:
///
/// - a heading (`#`-style or underlined) that says "Next", starts with
///   "Next" ("Next steps", "Next: …") or ends with it ("What's next", "Up
///   next"), whatever its level, case or emphasis;
/// - a paragraph, list item or quote that starts with "Next:", "Next →" or
///   a link whose text starts with "Next" (`[Next](…)`), with or without
///   emphasis (`**Next:** […](…)`).
///
/// "Next" in running text, even at the start of a wrapped line, or a link to
/// another exercise in the text, is not one.
fn hand_written_next(content: &str) -> Option<(usize, &str)> {
    let lines: Vec<&str> = content.lines().collect();
    let mut fence: Option<(char, usize)> = None;
    for (n, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let marker = trimmed.chars().next().filter(|c| *c == '`' || *c == '~');
        if let Some(c) = marker {
            let run = trimmed.chars().take_while(|&x| x == c).count();
            if run >= 3 {
                match fence {
                    None => fence = Some((c, run)),
                    Some((open, len)) if open == c && run >= len => fence = None,
                    Some(_) => {}
                }
                continue;
            }
        }
        if fence.is_some() {
            continue;
        }
        // Four spaces of indentation make code, or a list's content.
        let heading = if line.len() - trimmed.len() > 3 {
            None
        } else if let Some(rest) = atx_heading(trimmed) {
            Some(rest)
        } else {
            let underline = lines.get(n + 1).map_or("", |next| next.trim());
            let is_underline = !underline.is_empty()
                && (underline.chars().all(|c| c == '=') || underline.chars().all(|c| c == '-'));
            (is_underline && !trimmed.is_empty()).then_some(trimmed)
        };
        let found = match heading {
            Some(text) => {
                let text = plain_words(text);
                let text = text.trim_end_matches(|c: char| ".:!?…".contains(c));
                text == "next"
                    || text.starts_with("next ")
                    || text.starts_with("next:")
                    || text.ends_with(" next")
            }
            // Only where a paragraph, list item or quote starts: a line of
            // running text may begin with "[next exercise](…)" by wrapping.
            None if !(n == 0
                || lines[n - 1].trim().is_empty()
                || trimmed.starts_with(['>', '-', '+', '*'])) =>
            {
                false
            }
            None => {
                let text = plain_words(trimmed.trim_start_matches(|c: char| {
                    c == '>' || c == '-' || c == '+' || c.is_whitespace()
                }));
                // `[Next](…)` or `[Next exercise](…)` at the start of a line.
                let link_text = text
                    .strip_prefix('[')
                    .and_then(|rest| rest.split_once(']'))
                    .map(|(link_text, _)| link_text.trim());
                text.strip_prefix("next").is_some_and(|rest| {
                    let rest = rest.trim_start();
                    rest.starts_with(':') || rest.starts_with('→') || rest.starts_with("->")
                }) || link_text.is_some_and(|t| t == "next" || t.starts_with("next "))
            }
        };
        if found {
            return Some((n + 1, line));
        }
    }
    None
}

/// The text of an ATX heading (`## Text ##`), if `line` is one.
fn atx_heading(line: &str) -> Option<&str> {
    let hashes = line.chars().take_while(|&c| c == '#').count();
    let rest = &line[hashes..];
    ((1..=6).contains(&hashes) && (rest.is_empty() || rest.starts_with([' ', '\t'])))
        .then(|| rest.trim().trim_end_matches('#').trim_end())
}

/// `text` in lower case, without emphasis or code marks, trimmed.
fn plain_words(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, '*' | '_' | '`'))
        .collect::<String>()
        .trim()
        .to_lowercase()
}

fn find_chapter<'a>(items: &'a mut [Value], path: &str) -> Option<&'a mut Value> {
    for item in items {
        let Some(chapter) = item.get_mut("Chapter") else {
            continue;
        };
        if chapter["path"].as_str() == Some(path) {
            return Some(chapter);
        }
        if let Some(found) = chapter["sub_items"]
            .as_array_mut()
            .and_then(|sub_items| find_chapter(sub_items, path))
        {
            return Some(found);
        }
    }
    None
}

/// Expands every `{{#asynclings …}}` marker in every chapter.
fn expand_markers(root: &Path, manifest: &Manifest, book: &mut Value) -> Result<()> {
    fn walk(root: &Path, manifest: &Manifest, items: &mut [Value]) -> Result<()> {
        for item in items {
            let Some(chapter) = item.get_mut("Chapter") else {
                continue;
            };
            let path = chapter["path"].as_str().unwrap_or_default().to_owned();
            let exercise = manifest.exercises.iter().find(|e| e.page == path);
            if let Some(content) = chapter["content"].as_str() {
                let expanded = expand(root, content, manifest, exercise)
                    .with_context(|| format!("in book/src/{path}"))?;
                chapter["content"] = Value::String(expanded);
            }
            if let Some(sub_items) = chapter["sub_items"].as_array_mut() {
                walk(root, manifest, sub_items)?;
            }
        }
        Ok(())
    }
    let items = book["items"].as_array_mut().context("no `items`")?;
    walk(root, manifest, items)
}

fn expand(
    root: &Path,
    content: &str,
    manifest: &Manifest,
    exercise: Option<&Exercise>,
) -> Result<String> {
    let mut out = String::with_capacity(content.len());
    let mut rest = content;
    while let Some(start) = rest.find(MARKER) {
        out.push_str(&rest[..start]);
        let after = &rest[start + MARKER.len()..];
        let end = after
            .find("}}")
            .context("a `{{#asynclings` marker without `}}`")?;
        let what = after[..end].trim();
        let needs_exercise = || {
            exercise.with_context(|| {
                format!("`{{{{#asynclings {what}}}}}` belongs on an exercise's page")
            })
        };
        match what {
            "run" => out.push_str(&run_block(root, needs_exercise()?)),
            "hints" => out.push_str(&hints_block(needs_exercise()?)),
            "exercises" => out.push_str(&exercises_table(manifest)),
            other => {
                bail!("unknown marker `{{{{#asynclings {other}}}}}`: use run, hints or exercises")
            }
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

fn run_block(root: &Path, exercise: &Exercise) -> String {
    // A write-tests page says so first: the reader writes tests, not code.
    let (turn, then) = match exercise.kind {
        Kind::Code => (
            "**Your turn.**",
            "Read the first failure's message: it says what was expected and what \
             probably went wrong. Fix, run again, until every test passes.",
        ),
        Kind::WriteTests => (
            "**You write the tests.** The code is given.",
            "Your tests run against the reference, where they must all pass, then \
             against each hidden bug, where at least one must fail: the grading test, \
             `your_tests_catch_every_hidden_bug`, says how many bugs they caught \
             (\"caught 4 of 6 bugs\") and what the ones they missed do wrong. Add \
             tests until they catch them all.",
        ),
    };
    format!(
        "> [!TIP]\n\
         > {turn} Open `{stub}`, {task}, then run the hidden tests:\n\
         >\n\
         > ```console\n\
         > $ {command}\n\
         > ```\n\
         >\n\
         > {then} Stuck? The hints below open one at a time.\n",
        stub = exercise.stub().display(),
        task = exercise.task(root),
        command = exercise.test_command(),
    )
}

fn hints_block(exercise: &Exercise) -> String {
    let labels = ["a nudge", "the concept", "nearly the answer"];
    let mut out = String::new();
    for (n, (hint, label)) in exercise.hints.iter().zip(labels).enumerate() {
        out.push_str(&format!(
            "<details>\n<summary>Hint {} of 3: {label}</summary>\n\n{hint}\n\n</details>\n\n",
            n + 1
        ));
    }
    out
}

fn exercises_table(manifest: &Manifest) -> String {
    let mut out = String::from("| # | Exercise | Book page | Test it |\n|---|---|---|---|\n");
    for (n, exercise) in manifest.exercises.iter().enumerate() {
        out.push_str(&format!(
            "| {} | `{}` | [{}]({}) | `{}` |\n",
            n + 1,
            exercise.id,
            exercise.title,
            exercise.page,
            exercise.test_command()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST: &str = r#"
        [[exercise]]
        id = "first"
        chapter = "intro"
        title = "First"
        page = "exercises/first.md"
        hints = ["one", "two", "three"]
    "#;

    #[test]
    fn a_write_tests_page_says_the_reader_writes_the_tests() {
        let manifest =
            Manifest::from_toml(&format!("{MANIFEST}\n        kind = \"write-tests\"\n")).unwrap();
        let page = "# First\n{{#asynclings run}}\n";
        let out = expand(
            Path::new("/nonexistent"),
            page,
            &manifest,
            manifest.get("first"),
        )
        .unwrap();
        assert!(out.contains("**You write the tests.**"), "{out}");
        assert!(out.contains("caught 4 of 6 bugs"), "{out}");
        let plain = Manifest::from_toml(MANIFEST).unwrap();
        let out = expand(Path::new("/nonexistent"), page, &plain, plain.get("first")).unwrap();
        assert!(!out.contains("You write the tests"), "{out}");
    }

    #[test]
    fn expands_the_markers_of_an_exercise_page() {
        let manifest = Manifest::from_toml(MANIFEST).unwrap();
        let page = "# First\n{{#asynclings run}}\n## Hints\n{{#asynclings hints}}";
        let out = expand(
            Path::new("/nonexistent"),
            page,
            &manifest,
            manifest.get("first"),
        )
        .unwrap();
        assert!(out.contains("exercises/src/first.rs"), "{out}");
        assert!(out.contains("cargo test --test first"), "{out}");
        assert!(out.contains("<summary>Hint 3 of 3: nearly the answer</summary>\n\nthree"));
        assert!(!out.contains("{{#asynclings"), "{out}");
    }

    #[test]
    fn refuses_exercise_markers_elsewhere_and_unknown_markers() {
        let manifest = Manifest::from_toml(MANIFEST).unwrap();
        assert!(expand(Path::new("."), "{{#asynclings hints}}", &manifest, None).is_err());
        assert!(expand(Path::new("."), "{{#asynclings nonsense}}", &manifest, None).is_err());
        let table = expand(Path::new("."), "{{#asynclings exercises}}", &manifest, None).unwrap();
        assert!(
            table.contains("| 1 | `first` | [First](exercises/first.md) |"),
            "{table}"
        );
    }

    /// Three exercises: two in `intro`, one in `later`, with a chapter
    /// between them and one after.
    const THREE: &str = r#"
        [[exercise]]
        id = "first"
        chapter = "intro"
        title = "First"
        page = "exercises/first.md"
        hints = ["one", "two", "three"]

        [[exercise]]
        id = "second"
        chapter = "intro"
        title = "Second"
        page = "exercises/second.md"
        hints = ["one", "two", "three"]

        [[exercise]]
        id = "third"
        chapter = "later"
        title = "Third"
        page = "exercises/third.md"
        hints = ["one", "two", "three"]
    "#;

    fn chapters() -> Vec<(String, String)> {
        [
            ("intro.md", "Intro"),
            ("middle.md", "Middle"),
            ("later.md", "Later"),
            ("end.md", "The end"),
        ]
        .map(|(path, name)| (path.to_owned(), name.to_owned()))
        .to_vec()
    }

    /// A book whose chapters are `chapters()`, with nothing under them.
    fn book() -> Value {
        let items: Vec<Value> = chapters()
            .into_iter()
            .enumerate()
            .map(|(n, (path, name))| {
                json!({"Chapter": {
                    "name": name, "content": "", "number": [n + 1], "sub_items": [],
                    "path": path, "source_path": path, "parent_names": []
                }})
            })
            .collect();
        json!({ "items": items })
    }

    /// A temporary repository root with these exercise pages in
    /// `book/src/exercises/`.
    fn root_with_pages(test: &str, pages: &[(&str, &str)]) -> std::path::PathBuf {
        let root =
            std::env::temp_dir().join(format!("asynclings-book-{test}-{}", std::process::id()));
        fs::create_dir_all(root.join("book/src/exercises")).unwrap();
        for (name, text) in pages {
            fs::write(root.join("book/src/exercises").join(name), text).unwrap();
        }
        root
    }

    const PAGE: &str = "# A page\n{{#asynclings run}}\n{{#asynclings hints}}\n";

    #[test]
    fn next_links_the_next_exercise_of_the_same_chapter() {
        let manifest = Manifest::from_toml(THREE).unwrap();
        assert_eq!(
            next_section(&manifest, 0, &chapters()),
            "## Next\n\nThe next exercise: [Second](second.md).\n"
        );
    }

    #[test]
    fn next_sends_the_reader_through_the_chapters_before_the_next_exercise() {
        let manifest = Manifest::from_toml(THREE).unwrap();
        assert_eq!(
            next_section(&manifest, 1, &chapters()),
            "## Next\n\nRead [Middle](../middle.md) and [Later](../later.md), then go on \
             to the next exercise: [Third](third.md).\n"
        );
    }

    #[test]
    fn after_the_last_exercise_next_says_so_and_names_the_rest_of_the_book() {
        let manifest = Manifest::from_toml(THREE).unwrap();
        let next = next_section(&manifest, 2, &chapters());
        assert!(
            next.starts_with("## Next\n\nThat was the last of the 3 exercises."),
            "{next}"
        );
        assert!(next.contains("`cargo run -- list`"), "{next}");
        assert!(
            next.ends_with(" The book goes on with [The end](../end.md).\n"),
            "{next}"
        );
    }

    #[test]
    fn every_exercise_page_ends_with_its_generated_next() {
        let manifest = Manifest::from_toml(THREE).unwrap();
        let root = root_with_pages(
            "generated",
            &[("first.md", PAGE), ("second.md", PAGE), ("third.md", PAGE)],
        );
        let mut book = book();
        let added = add_exercise_pages(&root, &manifest, &mut book);
        fs::remove_dir_all(&root).unwrap();
        added.unwrap();
        let content = |chapter: usize, sub: usize| {
            book["items"][chapter]["Chapter"]["sub_items"][sub]["Chapter"]["content"]
                .as_str()
                .unwrap()
                .to_owned()
        };
        let second = content(0, 1);
        assert!(second.starts_with(PAGE), "{second}");
        assert!(
            second.ends_with(
                "\n## Next\n\nRead [Middle](../middle.md) and [Later](../later.md), \
                              then go on to the next exercise: [Third](third.md).\n"
            ),
            "{second}"
        );
        assert!(content(2, 0).contains("That was the last of the 3 exercises."));
    }

    #[test]
    fn an_exercise_page_that_writes_its_own_next_is_refused() {
        let manifest = Manifest::from_toml(THREE).unwrap();
        let own_next = format!("{PAGE}\nSome text.\n\n## Next\n\n[Third](third.md)\n");
        let root = root_with_pages(
            "refused",
            &[
                ("first.md", PAGE),
                ("second.md", &own_next),
                ("third.md", PAGE),
            ],
        );
        let error = add_exercise_pages(&root, &manifest, &mut book());
        fs::remove_dir_all(&root).unwrap();
        let error = format!("{:#}", error.unwrap_err());
        assert!(error.contains("book/src/exercises/second.md:7"), "{error}");
        assert!(error.contains("`## Next`"), "{error}");
        assert!(error.contains("exercises.toml"), "{error}");
    }

    #[test]
    fn what_counts_as_a_hand_written_next() {
        for page in [
            "## Next",
            "### Next: the backoff",
            "# Next steps #",
            "## What's next?",
            "## *Up next*",
            "Next\n----",
            "Next exercise\n=============",
            "[Next](next.md): a stream",
            "**Next:** [Fix the backoff](fix_backoff.md)",
            "**Next**: [Fix the backoff](fix_backoff.md)",
            "> Next → [Fix the backoff](fix_backoff.md)",
            "- next: the backoff",
        ] {
            let content = format!("Intro.\n\n{page}\n\nMore.\n");
            assert_eq!(
                hand_written_next(&content).map(|(line, _)| line),
                Some(3),
                "{page:?} is a hand-written Next"
            );
        }
        for page in [
            "The [next exercise](fix_busy_wake.md) has the busy loop.",
            "Next, the stream polls the upstream.",
            "## The next item",
            "## `next_sink`, the cursor",
            "```text\n## Next\n```",
            "~~~~\nNext: in a code block\n~~~~",
            "| next | row |\n|---|---|",
            "It trades one bug for the busy loop of the\n[next exercise](b.md). More.",
            "A sentence that wraps\nNext: not a paragraph of its own.",
            "    ## Next (indented code)",
        ] {
            let content = format!("Intro.\n\n{page}\n\nMore.\n");
            assert_eq!(hand_written_next(&content), None, "{page:?} is not");
        }
    }

    #[test]
    fn relative_links_between_pages() {
        assert_eq!(relative_link("exercises/a.md", "exercises/b.md"), "b.md");
        assert_eq!(relative_link("exercises/a.md", "time.md"), "../time.md");
        assert_eq!(relative_link("time.md", "exercises/b.md"), "exercises/b.md");
        assert_eq!(relative_link("a/b/c.md", "a/d/e.md"), "../d/e.md");
    }

    #[test]
    fn adds_each_exercise_page_under_its_chapter() {
        let root = std::env::temp_dir().join(format!("asynclings-book-{}", std::process::id()));
        fs::create_dir_all(root.join("book/src/exercises")).unwrap();
        fs::write(
            root.join("book/src/exercises/first.md"),
            "# First\n{{#asynclings run}}\n{{#asynclings hints}}\n",
        )
        .unwrap();
        let manifest = Manifest::from_toml(MANIFEST).unwrap();
        let mut book = json!({"items": [{"Chapter": {
            "name": "Intro", "content": "", "number": [1], "sub_items": [],
            "path": "intro.md", "source_path": "intro.md", "parent_names": []
        }}]});
        add_exercise_pages(&root, &manifest, &mut book).unwrap();
        fs::remove_dir_all(&root).unwrap();
        let page = &book["items"][0]["Chapter"]["sub_items"][0]["Chapter"];
        assert_eq!(page["name"], "First");
        assert_eq!(page["path"], "exercises/first.md");
        assert_eq!(page["number"], json!([1, 1]));
        assert_eq!(page["parent_names"], json!(["Intro"]));
    }
}
