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
//! See <https://rust-lang.github.io/mdBook/for_developers/preprocessors.html>
//! for the protocol: `supports <renderer>`, then the book as JSON on stdin.

use std::fs;
use std::io::{self, Read};
use std::path::Path;

use anyhow::{Context, Result, bail, ensure};
use serde_json::{Value, json};

use crate::manifest::{Exercise, Manifest};

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
    let mut order = Vec::new();
    collect_paths(items, &mut order);
    let mut last_position = 0;
    for exercise in &manifest.exercises {
        ensure!(
            !order.iter().any(|path| path == &exercise.page),
            "book/src/SUMMARY.md lists {}: exercise pages come from exercises.toml, \
             remove that line",
            exercise.page
        );
        let parent_path = format!("{}.md", exercise.chapter);
        let position = order
            .iter()
            .position(|path| path == &parent_path)
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
        let content = fs::read_to_string(root.join(exercise.book_page()))
            .with_context(|| format!("reading {}", exercise.book_page().display()))?;
        for marker in ["run", "hints"] {
            ensure!(
                content.contains(&format!("{MARKER}{marker}}}}}")),
                "{} has no `{MARKER}{marker}}}}}`: every exercise page shows how to run \
                 it and its hints",
                exercise.book_page().display()
            );
        }
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

/// The `path` of every chapter, depth first: the order of the book.
fn collect_paths(items: &[Value], paths: &mut Vec<String>) {
    for item in items {
        if let Some(chapter) = item.get("Chapter") {
            if let Some(path) = chapter["path"].as_str() {
                paths.push(path.to_owned());
            }
            if let Some(sub_items) = chapter["sub_items"].as_array() {
                collect_paths(sub_items, paths);
            }
        }
    }
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
    format!(
        "> [!TIP]\n\
         > **Your turn.** Open `{stub}`, {task}, then run the hidden tests:\n\
         >\n\
         > ```console\n\
         > $ {command}\n\
         > ```\n\
         >\n\
         > Read the first failure's message: it says what was expected and what \
         probably went wrong. Fix, run again, until every test passes. Stuck? The \
         hints below open one at a time.\n",
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
