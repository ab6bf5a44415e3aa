//! Text for a terminal: long lines wrapped at word boundaries, a report cut
//! to fit the screen (the top, where the first failure is, always shows),
//! and the hints' Markdown shown as text instead of backtick soup.

use crossterm::style::Stylize;

/// The terminal's size (columns, rows), or 80×24 when it cannot be asked.
pub fn size() -> (usize, usize) {
    crossterm::terminal::size()
        .map(|(cols, rows)| (usize::from(cols.max(20)), usize::from(rows.max(5))))
        .unwrap_or((80, 24))
}

/// Wraps each line of `text` to `width` columns at word boundaries, keeping
/// its indentation on the lines it continues onto. Lines of a compiler
/// diagnostic's code frame (` | `) are left as they are: breaking them would
/// scramble the layout that points at the code.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for line in text.lines() {
        if textwrap::core::display_width(line) <= width || is_code_frame(line) {
            lines.push(line.to_owned());
            continue;
        }
        let indent = &line[..line.len() - line.trim_start().len()];
        let continued = format!("{indent}  ");
        let options = textwrap::Options::new(width)
            .subsequent_indent(&continued)
            .break_words(false);
        lines.extend(
            textwrap::wrap(line, options)
                .into_iter()
                .map(|l| l.into_owned()),
        );
    }
    lines
}

/// A line of rustc's code frame: `12 |     code`, `   |     ^^^ help`, `-->`.
fn is_code_frame(line: &str) -> bool {
    let trimmed = line.trim_start();
    trimmed.starts_with("--> ")
        || trimmed.starts_with("::: ")
        || trimmed.split_once('|').is_some_and(|(gutter, _)| {
            gutter.trim().chars().all(|c| c.is_ascii_digit()) && gutter.ends_with(' ')
        })
}

/// How many screen rows `line` takes in `width` columns.
pub fn rows(line: &str, width: usize) -> usize {
    textwrap::core::display_width(line).div_ceil(width).max(1)
}

/// The first lines of `lines` that fit in `room` rows of `width` columns;
/// when some are left out, the last row says how many and `more` (what to
/// do to see them).
pub fn fit(lines: &[String], width: usize, room: usize, more: &str) -> Vec<String> {
    let total: usize = lines.iter().map(|l| rows(l, width)).sum();
    if total <= room {
        return lines.to_vec();
    }
    let mut kept = Vec::new();
    let mut used = 0;
    for line in lines {
        let needs = rows(line, width);
        if used + needs + 1 > room {
            break;
        }
        used += needs;
        kept.push(line.clone());
    }
    // Do not end on an empty line just before the note.
    while kept.last().is_some_and(|l: &String| l.trim().is_empty()) {
        kept.pop();
    }
    let left = lines.len() - kept.len();
    kept.push(format!("… {left} more line(s): {more}"));
    kept
}

/// A hint's Markdown, for the terminal: `code` spans and fenced blocks lose
/// their backticks and are shown in color instead; `*emphasis*` and
/// `**strong**` lose their stars.
pub fn markdown(text: &str, color: bool) -> String {
    let mut out = String::new();
    let mut in_fence = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            let code = format!("    {line}");
            out.push_str(&if color { code.cyan().to_string() } else { code });
        } else {
            out.push_str(&inline(line, color));
        }
        out.push('\n');
    }
    out
}

fn inline(line: &str, color: bool) -> String {
    let mut out = String::new();
    // Split at backticks: odd pieces are code.
    for (n, piece) in line.split('`').enumerate() {
        if n % 2 == 1 {
            out.push_str(&if color {
                piece.cyan().to_string()
            } else {
                piece.to_owned()
            });
        } else {
            out.push_str(&piece.replace("**", "").replace('*', ""));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_word_boundaries_and_keeps_indentation() {
        let lines = wrap("    one two three four five six", 16);
        assert_eq!(lines, ["    one two", "      three four", "      five six"]);
        assert!(lines.iter().all(|l| l.len() <= 16));
    }

    #[test]
    fn leaves_compiler_code_frames_alone() {
        let frame =
            "12 |         let x = some_really_long_function_name(argument_one, argument_two);";
        assert_eq!(wrap(frame, 40), [frame]);
    }

    #[test]
    fn fits_a_long_report_and_says_what_is_left_out() {
        let lines: Vec<String> = (1..=30).map(|n| format!("line {n}")).collect();
        let fitted = fit(&lines, 80, 10, "press f");
        assert_eq!(fitted.len(), 10);
        assert_eq!(fitted[0], "line 1");
        assert_eq!(fitted[9], "… 21 more line(s): press f");
        assert_eq!(fit(&lines[..5], 80, 10, "f"), lines[..5]);
    }

    #[test]
    fn shows_markdown_code_without_backticks() {
        let text = "Return `Poll::Pending` *only* after\n```rust\ncx.waker().wake_by_ref();\n```";
        assert_eq!(
            markdown(text, false),
            "Return Poll::Pending only after\n    cx.waker().wake_by_ref();\n"
        );
    }
}
