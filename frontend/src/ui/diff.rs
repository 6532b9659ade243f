//! A line diff of two texts, side by side (like sngrep's message compare): the lines of
//! a longest common subsequence sit on one row; what is between them is paired up as
//! changed rows, the rest shown on one side only. Texts are shown as text nodes.
use leptos::prelude::*;

/// How one row of the comparison relates the two sides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowKind {
    Same,
    Changed,
    LeftOnly,
    RightOnly,
}

impl RowKind {
    fn class(self) -> &'static str {
        match self {
            RowKind::Same => "same",
            RowKind::Changed => "changed",
            RowKind::LeftOnly => "left-only",
            RowKind::RightOnly => "right-only",
        }
    }
}

/// One row: the left and right line (either may be missing) and how they relate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiffRow {
    pub left: Option<String>,
    pub right: Option<String>,
    pub kind: RowKind,
}

/// Longer texts are compared line by line without the common-subsequence table (which
/// grows with the product of the line counts).
const MAX_LINES: usize = 2000;

/// The rows of `a` against `b`, line by line (CRLF or LF).
pub fn diff_lines(a: &str, b: &str) -> Vec<DiffRow> {
    let a: Vec<&str> = a.lines().collect();
    let b: Vec<&str> = b.lines().collect();
    if a.len() > MAX_LINES || b.len() > MAX_LINES {
        return (0..a.len().max(b.len()))
            .map(|i| row(a.get(i).copied(), b.get(i).copied()))
            .collect();
    }
    // lcs[i][j]: the common subsequence length of a[i..] and b[j..].
    let (n, m) = (a.len(), b.len());
    let mut lcs = vec![0u16; (n + 1) * (m + 1)];
    let at = |i: usize, j: usize| i * (m + 1) + j;
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[at(i, j)] = if a[i] == b[j] {
                lcs[at(i + 1, j + 1)] + 1
            } else {
                lcs[at(i + 1, j)].max(lcs[at(i, j + 1)])
            };
        }
    }
    let (mut out, mut i, mut j) = (Vec::new(), 0, 0);
    let (mut gone, mut came): (Vec<&str>, Vec<&str>) = (Vec::new(), Vec::new());
    let flush = |out: &mut Vec<DiffRow>, gone: &mut Vec<&str>, came: &mut Vec<&str>| {
        for k in 0..gone.len().max(came.len()) {
            out.push(row(gone.get(k).copied(), came.get(k).copied()));
        }
        gone.clear();
        came.clear();
    };
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            flush(&mut out, &mut gone, &mut came);
            out.push(DiffRow {
                left: Some(a[i].to_string()),
                right: Some(b[j].to_string()),
                kind: RowKind::Same,
            });
            i += 1;
            j += 1;
        } else if j == m || (i < n && lcs[at(i + 1, j)] >= lcs[at(i, j + 1)]) {
            gone.push(a[i]);
            i += 1;
        } else {
            came.push(b[j]);
            j += 1;
        }
    }
    flush(&mut out, &mut gone, &mut came);
    out
}

fn row(l: Option<&str>, r: Option<&str>) -> DiffRow {
    let kind = match (l, r) {
        (Some(x), Some(y)) if x == y => RowKind::Same,
        (Some(_), Some(_)) => RowKind::Changed,
        (Some(_), None) => RowKind::LeftOnly,
        _ => RowKind::RightOnly,
    };
    DiffRow {
        left: l.map(str::to_string),
        right: r.map(str::to_string),
        kind,
    }
}

/// The two texts side by side (`data-testid="diff"`), each row `diff-row` with
/// `data-kind`; `heads` are the two column headings.
pub fn diff_view(heads: (AnyView, AnyView), rows: Vec<DiffRow>) -> impl IntoView {
    let cell = |t: Option<String>, side: &'static str| {
        view! { <td class=format!("diff-cell diff-{side}") data-testid=format!("diff-{side}")>{t.unwrap_or_default()}</td> }
    };
    view! {
        <table class="diff tech" data-testid="diff">
            <thead>
                <tr><th>{heads.0}</th><th>{heads.1}</th></tr>
            </thead>
            <tbody>
                {rows
                    .into_iter()
                    .map(|r| {
                        view! {
                            <tr class=format!("diff-row diff-{}", r.kind.class()) data-testid="diff-row"
                                data-kind=r.kind.class()>
                                {cell(r.left, "left")}
                                {cell(r.right, "right")}
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}
