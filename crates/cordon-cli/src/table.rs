//! Plain-text tables for terminal output.

use unicode_width::UnicodeWidthStr;

/// A table with a header row; columns are padded to their widest cell as a terminal shows it:
/// Hangul, kana and Chinese characters take two columns each, so counting characters would
/// push every column after a Korean or Japanese name out of line.
#[derive(Debug, Default)]
pub(crate) struct Table {
    rows: Vec<Vec<String>>,
}

impl Table {
    pub(crate) fn new(header: &[&str]) -> Self {
        Table {
            rows: vec![header.iter().map(|s| (*s).to_owned()).collect()],
        }
    }

    pub(crate) fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub(crate) fn render(&self) -> String {
        let cols = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        let widths: Vec<usize> = (0..cols)
            .map(|c| {
                self.rows
                    .iter()
                    .filter_map(|r| r.get(c))
                    .map(|s| s.width())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let mut out = String::new();
        for (i, r) in self.rows.iter().enumerate() {
            let line: Vec<String> = r
                .iter()
                .enumerate()
                .map(|(c, s)| {
                    let pad = widths
                        .get(c)
                        .copied()
                        .unwrap_or(0)
                        .saturating_sub(s.width());
                    format!("{s}{:pad$}", "")
                })
                .collect();
            out.push_str(line.join("  ").trim_end());
            out.push('\n');
            if i == 0 {
                let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
                out.push_str(&rule.join("  "));
                out.push('\n');
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every column starts at the same terminal column on every row, Hangul and kana included.
    #[test]
    fn regression_wide_characters_keep_columns_in_line() {
        let rows = [
            ["김정은", "KIM Jong Un", "0.87"],
            ["リ チョンチョル", "choe", "0.00"],
            ["kim", "", "1.00"],
        ];
        let mut t = Table::new(&["name 1", "name 2", "score"]);
        for row in rows {
            t.row(row.map(str::to_owned).to_vec());
        }
        let out = t.render();
        // The terminal column each line's last cell starts at (the rule line left out).
        let starts: Vec<usize> = out
            .lines()
            .filter(|l| !l.starts_with('-'))
            .zip(std::iter::once("score").chain(rows.iter().map(|r| r[2])))
            .map(|(line, last)| line[..line.rfind(last).expect("last cell")].width())
            .collect();
        assert_eq!(starts.len(), rows.len() + 1, "{out}");
        assert!(starts.windows(2).all(|w| w[0] == w[1]), "{out}");
    }
}
