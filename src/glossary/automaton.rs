//! The terms' automaton: every folded term key, searched leftmost-longest
//! in a folded text.
//!
//! Contract:
//! - **expects** distinct, non-empty keys (the matcher's folded keys,
//!   deduplicated), and a haystack in the same folding;
//! - **returns** key matches as byte ranges of the haystack with the key's
//!   index: the leftmost-longest match from a position ([`Terms::find`]),
//!   the longest key starting at a position ([`Terms::longest_at`]), and,
//!   for a match, the next shorter key starting at the same position
//!   ([`Terms::shorter`]).
//!
//! The automaton is a double-array Aho-Corasick automaton (the `daachorse`
//! crate): a state's transition is one array read (`base + byte`, checked),
//! where a contiguous NFA scans a list of transitions in all but its first
//! few levels. With the glossary benchmark's keys, searched alone, it runs
//! 1.3–1.5× faster than aho-corasick's contiguous NFA at 1,000 and 100,000
//! keys (10.0 against 13.1 MB at 100,000; 186 against 127 KB at 1,000):
//! docs/benchmarks.md, "Session 13".
//!
//! Shorter keys at a match's start need no second search: a key that
//! matches where a longer key `K` matched is a proper prefix of `K` (both
//! are prefixes of the text there), so each key stores the longest other
//! key that is a proper prefix of it, and the chain of those is every
//! shorter key at that start, longest first. The chain is built once, from
//! the keys in sorted order.

use daachorse::{DoubleArrayAhoCorasick, DoubleArrayAhoCorasickBuilder, MatchKind};

/// No shorter key.
const NONE: u32 = u32::MAX;

/// A built terms automaton.
pub(super) struct Terms {
    automaton: DoubleArrayAhoCorasick<u32>,
    /// Per key: its length in bytes.
    lens: Vec<u32>,
    /// Per key: the longest other key that is a proper prefix of it.
    shorter: Vec<u32>,
    /// The longest key's length: a key that starts at `i` ends by
    /// `i + max_len`.
    max_len: usize,
}

impl std::fmt::Debug for Terms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Terms")
            .field("keys", &self.lens.len())
            .field("states", &self.automaton.num_states())
            .finish_non_exhaustive()
    }
}

/// One key found in a haystack: `hay[start..end]` is key number `key`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct KeyMatch {
    pub start: usize,
    pub end: usize,
    pub key: usize,
}

impl Terms {
    /// Builds the automaton of `keys` (distinct and non-empty); `None` when
    /// there are none.
    ///
    /// # Errors
    /// When the automaton is beyond the crate's limits (2^24 − 1 keys, 2^32
    /// states).
    pub fn build(keys: &[String]) -> crate::Result<Option<Terms>> {
        if keys.is_empty() {
            return Ok(None);
        }
        let too_many = || crate::Error::Glossary("too many glossary keys to search".into());
        let values = keys
            .iter()
            .enumerate()
            .map(|(i, k)| Ok((k.as_bytes(), u32::try_from(i).map_err(|_| too_many())?)))
            .collect::<crate::Result<Vec<_>>>()?;
        let automaton = DoubleArrayAhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build_with_values(values)
            .map_err(|e| {
                crate::Error::Glossary(format!("cannot build the glossary matcher: {e}"))
            })?;
        let lens = keys
            .iter()
            .map(|k| u32::try_from(k.len()).map_err(|_| too_many()))
            .collect::<crate::Result<Vec<_>>>()?;
        Ok(Some(Terms {
            automaton,
            shorter: prefix_chain(keys),
            max_len: keys.iter().map(String::len).max().unwrap_or(0),
            lens,
        }))
    }

    /// The leftmost-longest key match in `hay[from..]`.
    #[inline]
    pub fn find(&self, hay: &[u8], from: usize) -> Option<KeyMatch> {
        let m = self.automaton.leftmost_find_iter(&hay[from..]).next()?;
        Some(KeyMatch {
            start: from + m.start(),
            end: from + m.end(),
            key: m.value() as usize,
        })
    }

    /// The longest key that starts at `at` in `hay`, if one does.
    pub fn longest_at(&self, hay: &[u8], at: usize) -> Option<KeyMatch> {
        // A key starting at `at` is the leftmost match of what follows, and
        // ends within the longest key's length.
        let end = hay.len().min(at + self.max_len);
        self.find(&hay[..end], at).filter(|m| m.start == at)
    }

    /// The next shorter key that matches where `m` matched (a proper
    /// prefix of `m`'s key), if there is one.
    #[inline]
    pub fn shorter(&self, m: KeyMatch) -> Option<KeyMatch> {
        let key = self.shorter[m.key];
        (key != NONE).then(|| KeyMatch {
            start: m.start,
            end: m.start + self.lens[key as usize] as usize,
            key: key as usize,
        })
    }
}

/// Per key: the longest other key that is a proper prefix of it, or
/// [`NONE`]. In sorted order every prefix of a key comes before it, and
/// the keys that are prefixes of the last one seen form a stack.
fn prefix_chain(keys: &[String]) -> Vec<u32> {
    let mut order: Vec<u32> = (0..keys.len() as u32).collect();
    order.sort_unstable_by(|&a, &b| keys[a as usize].cmp(&keys[b as usize]));
    let mut shorter = vec![NONE; keys.len()];
    let mut stack: Vec<u32> = Vec::new();
    for i in order {
        let key = &keys[i as usize];
        while let Some(&top) = stack.last() {
            if key.starts_with(keys[top as usize].as_str()) {
                break;
            }
            stack.pop();
        }
        shorter[i as usize] = stack.last().copied().unwrap_or(NONE);
        stack.push(i);
    }
    shorter
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    /// Every key starting at `at`, longest first, by brute force.
    fn all_at(keys: &[String], hay: &[u8], at: usize) -> Vec<KeyMatch> {
        let mut v: Vec<KeyMatch> = keys
            .iter()
            .enumerate()
            .filter(|(_, k)| hay[at..].starts_with(k.as_bytes()))
            .map(|(i, k)| KeyMatch {
                start: at,
                end: at + k.len(),
                key: i,
            })
            .collect();
        v.sort_by_key(|m| std::cmp::Reverse(m.end));
        v
    }

    #[test]
    fn prefixes_chain_longest_first() {
        let k = keys(&["ban bi thu", "ban", "ban bi", "bo", "ba", "ban b"]);
        let c = prefix_chain(&k);
        assert_eq!(c, vec![2, 4, 5, NONE, NONE, 1]);
    }

    #[test]
    fn find_longest_at_and_shorter() {
        let k = keys(&["ban bi thu", "ban", "ban bi", "bi thu", "thu"]);
        let t = Terms::build(&k).unwrap().unwrap();
        let hay = b"xx ban bi thu yy";
        let m = t.find(hay, 0).unwrap();
        assert_eq!((m.start, m.end, m.key), (3, 13, 0));
        let s1 = t.shorter(m).unwrap();
        assert_eq!((s1.start, s1.end, s1.key), (3, 9, 2));
        let s2 = t.shorter(s1).unwrap();
        assert_eq!((s2.start, s2.end, s2.key), (3, 6, 1));
        assert_eq!(t.shorter(s2), None);
        assert_eq!(t.longest_at(hay, 7).map(|m| m.key), Some(3));
        assert_eq!(t.longest_at(hay, 6), None);
        assert_eq!(t.find(hay, 14), None);
        assert!(Terms::build(&[]).unwrap().is_none());
    }

    proptest::proptest! {
        /// Against brute force on small alphabets (many overlaps and
        /// prefixes, sibling transitions, haystacks long enough for the
        /// crate's prefilter to give up): `find` is the leftmost match,
        /// longest there; the
        /// `shorter` chain from it is every other key at that start,
        /// longest first; `longest_at` is the first of them at any start.
        #[test]
        fn agrees_with_brute_force(
            list in proptest::collection::btree_set("[abcd .]{1,7}", 1..40),
            hay in "[abcd .]{0,160}",
            from in 0usize..161,
        ) {
            let k: Vec<String> = list.into_iter().collect();
            let t = Terms::build(&k).unwrap().unwrap();
            let hay = hay.as_bytes();
            let from = from.min(hay.len());
            let expected = (from..hay.len()).find_map(|at| all_at(&k, hay, at).first().copied());
            let found = t.find(hay, from);
            proptest::prop_assert_eq!(found, expected);
            if let Some(m) = found {
                let mut chain = vec![m];
                while let Some(s) = t.shorter(*chain.last().unwrap()) {
                    chain.push(s);
                }
                proptest::prop_assert_eq!(chain, all_at(&k, hay, m.start));
            }
            for at in 0..=hay.len() {
                proptest::prop_assert_eq!(t.longest_at(hay, at), all_at(&k, hay, at).first().copied());
            }
        }
    }
}
