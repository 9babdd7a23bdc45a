//! Synthetic glossaries for the benchmarks.

use songngu::glossary::Entry;

/// xorshift64*: the same entries on every run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A generated Vietnamese syllable: onset, rhyme, tone.
fn synth(rng: &mut Rng) -> String {
    let onsets = [
        "b", "c", "ch", "d", "đ", "g", "h", "kh", "l", "m", "n", "ng", "nh", "ph", "qu", "s", "t",
        "th", "tr", "v", "x",
    ];
    let rhymes = [
        "a", "ai", "an", "ang", "anh", "ao", "ắc", "ăn", "âm", "ân", "ất", "e", "em", "ên", "ết",
        "i", "iên", "im", "inh", "o", "oa", "oan", "ôi", "ông", "ơn", "u", "uân", "ung", "ươc",
        "ương", "ưu", "y",
    ];
    let tones = ["", "\u{300}", "\u{301}", "\u{309}", "\u{303}", "\u{323}"];
    let s = format!(
        "{}{}{}",
        onsets[rng.below(onsets.len())],
        rhymes[rng.below(rhymes.len())],
        tones[rng.below(tones.len())]
    );
    unicode_normalization::UnicodeNormalization::nfc(s.as_str()).collect::<String>()
}

/// `n` entries of 2–6 syllables: 300 real n-grams of the corpus (so that
/// every size has the same matches), the rest synthetic from the article's
/// syllables and generated Vietnamese syllables, 40 % capitalised.
pub fn entries(n: usize, text: &str) -> Vec<Entry> {
    let mut rng = Rng(0x5EED_0000 + n as u64);
    let words: Vec<&str> = text.split_whitespace().take(200_000).collect();
    let mut out = Vec::with_capacity(n);
    let mut seen = std::collections::HashSet::new();
    let mut r2 = Rng(42);
    while out.len() < 300.min(n) {
        let len = 2 + r2.below(3);
        let start = r2.below(words.len() - len);
        let gram: Vec<&str> = words[start..start + len].to_vec();
        if gram.iter().any(|w| !w.chars().all(char::is_alphabetic)) {
            continue;
        }
        let s = gram.join(" ");
        if seen.insert(s.clone()) {
            out.push(Entry::term(&s, &format!("T{}", out.len())));
        }
    }
    while out.len() < n {
        let len = 2 + rng.below(5);
        let mut sylls: Vec<String> = (0..len)
            .map(|_| {
                if rng.below(2) == 0 {
                    words[rng.below(words.len())].to_lowercase()
                } else {
                    synth(&mut rng)
                }
            })
            .collect();
        if sylls.iter().any(|w| !w.chars().all(char::is_alphabetic)) {
            continue;
        }
        if rng.below(10) < 4 {
            let mut c = sylls[0].chars();
            let first: String = c
                .next()
                .map(|f| f.to_uppercase().collect::<String>())
                .unwrap_or_default();
            sylls[0] = first + c.as_str();
        }
        let s = sylls.join(" ");
        if seen.insert(s.clone()) {
            out.push(Entry::term(&s, &format!("T{}", out.len())));
        }
    }
    out
}
