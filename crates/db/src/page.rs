//! The end of every keyset page query: it asks for `limit + 1` rows, so one row more
//! than the page says that another page follows, and the page's last key is its cursor.

/// The page and, when more rows follow, the key of its last row.
pub fn keyset_tail<T, K>(mut rows: Vec<(T, K)>, limit: u64) -> (Vec<T>, Option<K>) {
    let limit = limit as usize;
    let more = rows.len() > limit;
    rows.truncate(limit);
    let (items, mut keys): (Vec<T>, Vec<K>) = rows.into_iter().unzip();
    (items, if more { keys.pop() } else { None })
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_row_more_than_the_page_gives_a_cursor() {
        assert_eq!(super::keyset_tail(vec![("a", 1), ("b", 2), ("c", 3)], 2), (vec!["a", "b"], Some(2)));
        assert_eq!(super::keyset_tail(vec![("a", 1), ("b", 2)], 2), (vec!["a", "b"], None));
        assert_eq!(super::keyset_tail(Vec::<(u8, u8)>::new(), 2), (vec![], None));
    }
}
