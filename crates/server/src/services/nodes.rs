//! The configured Kamailio nodes, `node=` choice, and the one pager that merges a
//! memory list across nodes (registrations and dialogs use the same).
use std::future::Future;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::KamailioNode;
use crate::error::ApiError;

#[derive(Clone)]
pub struct Node {
    pub name: String,
    pub rpc: Arc<dyn KamailioNode>,
}

/// The nodes in configuration order; the first is the default of `node=`.
#[derive(Clone)]
pub struct Nodes(Arc<Vec<Node>>);

impl Nodes {
    pub fn new(nodes: Vec<Node>) -> anyhow::Result<Self> {
        anyhow::ensure!(!nodes.is_empty(), "at least one Kamailio node must be configured");
        Ok(Nodes(Arc::new(nodes)))
    }

    pub fn all(&self) -> &[Node] {
        &self.0
    }

    fn names(&self) -> String {
        self.0.iter().map(|n| n.name.as_str()).collect::<Vec<_>>().join(", ")
    }

    fn unknown(&self, name: &str, allow_all: bool) -> ApiError {
        ApiError::bad_param(
            "node",
            format!(
                "names no configured Kamailio node: {name:?}; the nodes are {}{}",
                self.names(),
                if allow_all { " (or `all`)" } else { "" }
            ),
        )
    }

    /// The node a single-node request means (`node=NAME`, default the first).
    pub fn one(&self, raw: Option<&str>) -> Result<&Node, ApiError> {
        match raw.map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(&self.0[0]),
            Some(name) => self.0.iter().find(|n| n.name == name).ok_or_else(|| self.unknown(name, false)),
        }
    }

    /// The nodes a list request means: `node=NAME`, `node=all`, or the first node.
    pub fn some(&self, raw: Option<&str>) -> Result<Vec<&Node>, ApiError> {
        match raw.map(str::trim).filter(|s| !s.is_empty()) {
            Some("all") => Ok(self.0.iter().collect()),
            Some(name) => {
                self.0.iter().find(|n| n.name == name).map(|n| vec![n]).ok_or_else(|| self.unknown(name, true))
            }
            None => Ok(vec![&self.0[0]]),
        }
    }
}

/// Where a merged memory page ended: the node, and the position in its list (`None`:
/// that node's start).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeCursor<K> {
    pub n: String,
    pub at: Option<K>,
}

/// One page over several nodes, in configuration order, each node's items by its own
/// key. `fetch(node, after, want)` gives at most `want` items of one node after `after`
/// and, when that node has more, the key of its last item. A cursor naming a node this
/// list does not cover is a 400 (the caller changed `node=` between pages).
pub async fn merged_page<'a, T, K, F, Fut>(
    nodes: &[&'a Node],
    after: Option<NodeCursor<K>>,
    limit: usize,
    mut fetch: F,
) -> Result<(Vec<T>, Option<NodeCursor<K>>), ApiError>
where
    F: FnMut(&'a Node, Option<K>, usize) -> Fut,
    Fut: Future<Output = Result<(Vec<T>, Option<K>), ApiError>>,
{
    let (first, mut at) = match after {
        None => (0, None),
        Some(c) => {
            let idx = nodes.iter().position(|n| n.name == c.n).ok_or_else(|| {
                ApiError::bad_param(
                    "cursor",
                    "belongs to a node this list does not cover; start again without a cursor",
                )
            })?;
            (idx, c.at)
        }
    };
    let mut items = Vec::new();
    for (idx, node) in nodes.iter().enumerate().skip(first) {
        let (got, more) = fetch(node, at.take(), limit - items.len()).await?;
        items.extend(got);
        if let Some(k) = more {
            return Ok((items, Some(NodeCursor { n: node.name.clone(), at: Some(k) })));
        }
        if items.len() >= limit {
            // This node is done; the next page starts at the next node, if any.
            let next = nodes.get(idx + 1).map(|n| NodeCursor { n: n.name.clone(), at: None });
            return Ok((items, next));
        }
    }
    Ok((items, None))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::tests::FakeNode;

    fn nodes(names: &[&str]) -> Vec<Node> {
        names.iter().map(|n| Node { name: n.to_string(), rpc: Arc::new(FakeNode::default()) }).collect()
    }

    /// Node i holds items 0..sizes[i]; keys are the item numbers.
    async fn pages(sizes: &[usize], limit: usize) -> Vec<Vec<(String, usize)>> {
        let all = nodes(&["a", "b", "c"][..sizes.len()]);
        let refs: Vec<&Node> = all.iter().collect();
        let mut cursor = None;
        let mut out = Vec::new();
        loop {
            let (page, next) = merged_page(&refs, cursor, limit, |node, after: Option<usize>, want| {
                let size = sizes[all.iter().position(|n| n.name == node.name).unwrap()];
                async move {
                    let start = after.map_or(0, |k| k + 1);
                    let items: Vec<(String, usize)> =
                        (start..size).take(want).map(|i| (node.name.clone(), i)).collect();
                    let more = (start + items.len() < size).then(|| items.last().map(|x| x.1)).flatten();
                    Ok((items, more))
                }
            })
            .await
            .unwrap();
            out.push(page);
            match next {
                Some(c) => cursor = Some(c),
                None => return out,
            }
        }
    }

    #[tokio::test]
    async fn merged_pages_cover_every_item_once_in_node_order() {
        for (sizes, limit) in [(vec![3, 0, 5], 2), (vec![2, 2], 2), (vec![0, 0], 5), (vec![7], 3), (vec![1, 1, 1], 1)] {
            let got: Vec<(String, usize)> = pages(&sizes, limit).await.into_iter().flatten().collect();
            let want: Vec<(String, usize)> =
                sizes.iter().zip(["a", "b", "c"]).flat_map(|(s, n)| (0..*s).map(move |i| (n.to_string(), i))).collect();
            assert_eq!(got, want, "sizes {sizes:?} limit {limit}");
            assert!(pages(&sizes, limit).await.iter().all(|p| p.len() <= limit));
        }
    }

    #[tokio::test]
    async fn a_cursor_for_another_node_is_a_400() {
        let all = nodes(&["a"]);
        let refs: Vec<&Node> = all.iter().collect();
        let c = Some(NodeCursor { n: "gone".to_string(), at: Some(1usize) });
        let err = merged_page(&refs, c, 5, |_, _, _| async { Ok((Vec::<u8>::new(), None)) }).await.unwrap_err();
        assert!(err.to_string().contains("`cursor`"), "{err}");
    }
}
