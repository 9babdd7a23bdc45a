//! The one XML text sanitiser every XML writer goes through (TBX now; TMX,
//! XLIFF later): characters XML 1.0 cannot carry are removed (C0 controls
//! other than tab, LF and CR; U+FFFE, U+FFFF; unpaired surrogates cannot
//! occur in Rust strings), and markup characters are escaped. Escaping `>`
//! too means `]]>` can never appear in output text.

use std::borrow::Cow;

/// Is `c` allowed in XML 1.0 character data?
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// The bytes [`escape`] stops at: markup characters, C0 controls other
/// than tab, LF and CR, and 0xEF (the first byte of U+FFFE and U+FFFF).
const SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = !matches!(i as u8, b'\t' | b'\n' | b'\r');
        i += 1;
    }
    t[b'<' as usize] = true;
    t[b'>' as usize] = true;
    t[b'&' as usize] = true;
    t[b'"' as usize] = true;
    t[b'\'' as usize] = true;
    t[0xEF] = true;
    t
};

/// The index of the first byte of `b` from `i` on that is in [`SPECIAL`],
/// or `b.len()`.
fn next_special(b: &[u8], mut i: usize) -> usize {
    loop {
        i = find(Bytes::Xml, b, i);
        // Tab, LF and CR are candidates of the scan but no stops.
        if i == b.len() || SPECIAL[usize::from(b[i])] {
            return i;
        }
        i += 1;
    }
}

/// The sets of bytes the writers' escapers scan for ([`find`]): each
/// holds every byte its writer may have to act on (and may hold a few it
/// then looks at and passes, such as tab, LF and CR for XML, or the first
/// byte of a multi-byte character only some of whose forms matter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Bytes {
    /// XML ([`escape`]): C0 controls, `<`, `>`, `&`, `"`, `'`, and 0xEF
    /// (the first byte of U+FFFE and U+FFFF).
    Xml,
    /// JSON strings: C0 controls, `"`, `\`.
    Json,
    /// TSV fields: `\`, tab, LF, CR.
    Tsv,
    /// Line breaks of the text files: LF, VT, FF, CR, U+001C–U+001E, and
    /// 0xC2 and 0xE2 (the first bytes of U+0085, U+2028 and U+2029).
    LineBreak,
    /// JSON inside `<script>`: `<`, `>`, `&`, and 0xE2 (U+2028, U+2029).
    Script,
}

impl Bytes {
    /// Is `c` in the set? (The definition; the block scan agrees with it,
    /// see the tests.)
    pub(crate) const fn has(self, c: u8) -> bool {
        match self {
            Bytes::Xml => c < 0x20 || matches!(c, b'<' | b'>' | b'&' | b'"' | b'\'' | 0xEF),
            Bytes::Json => c < 0x20 || matches!(c, b'"' | b'\\'),
            Bytes::Tsv => matches!(c, b'\\' | b'\t' | b'\n' | b'\r'),
            Bytes::LineBreak => matches!(c, 0x0A..=0x0D | 0x1C..=0x1E | 0xC2 | 0xE2),
            Bytes::Script => matches!(c, b'<' | b'>' | b'&' | 0xE2),
        }
    }

    /// The set as a table, for strings too short for a block.
    const fn table(self) -> [bool; 256] {
        let mut t = [false; 256];
        let mut i = 0;
        while i < 256 {
            t[i] = self.has(i as u8);
            i += 1;
        }
        t
    }
}

/// [`Bytes::table`] of each set, in the order of the enum.
const TABLES: [[bool; 256]; 5] = [
    Bytes::Xml.table(),
    Bytes::Json.table(),
    Bytes::Tsv.table(),
    Bytes::LineBreak.table(),
    Bytes::Script.table(),
];

/// The index of the first byte of `b` from `i` on that is in `set`, or
/// `b.len()`: the scan of every escaper. A clean run costs a few
/// instructions per 16 bytes (SSE2, part of every x86-64 processor), per
/// 32 bytes from 64 bytes on where the processor has AVX2; a string of 4
/// to 15 bytes is one block (its first and last 8 or 4 bytes), a shorter
/// one (or any, on other processors) is looked up byte by byte in the
/// set's table. (Always inlined: each caller's set is a constant, so it
/// gets that set's scan only.)
#[inline(always)]
pub(crate) fn find(set: Bytes, b: &[u8], i: usize) -> usize {
    let Some(rest) = b.get(i..) else {
        return b.len();
    };
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    if rest.len() >= 64 && std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the functions called need AVX2, which the processor was
        // just found to have; they use no pointer, only slices and safe
        // intrinsics.
        #[allow(unsafe_code)]
        let at = unsafe {
            match set {
                Bytes::Xml => simd::avx2::find_xml(rest),
                Bytes::Json => simd::avx2::find_json(rest),
                Bytes::Tsv => simd::avx2::find_tsv(rest),
                Bytes::LineBreak => simd::avx2::find_line_break(rest),
                Bytes::Script => simd::avx2::find_script(rest),
            }
        };
        return i + at;
    }
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    if rest.len() >= 4 {
        // SAFETY: the functions called need SSE2 only, which every x86-64
        // processor has (the build enables it: `target_feature = "sse2"`);
        // they use no pointer, only slices and safe intrinsics.
        #[allow(unsafe_code)]
        let at = unsafe {
            match set {
                Bytes::Xml => simd::sse2::find_xml(rest),
                Bytes::Json => simd::sse2::find_json(rest),
                Bytes::Tsv => simd::sse2::find_tsv(rest),
                Bytes::LineBreak => simd::sse2::find_line_break(rest),
                Bytes::Script => simd::sse2::find_script(rest),
            }
        };
        return i + at;
    }
    let t = &TABLES[set as usize];
    rest.iter()
        .position(|&c| t[usize::from(c)])
        .map_or(b.len(), |k| i + k)
}

/// The block scans of [`find`]: each set's bytes found a block at a time
/// (16 bytes with SSE2, 32 with AVX2) by comparisons, the blocks of a
/// double step tested together; the last block of a string is the
/// string's last block (overlapping what was scanned, which is masked
/// off), so no byte is copied.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
mod simd {
    /// The comparisons on vectors of `$v` (one instruction set's) and each
    /// set's test built of them, the same for both sets of instructions.
    macro_rules! tests {
        ($feature:literal, $v:ty, $cmpeq:ident, $min:ident, $or:ident, $sub:ident, $set1:ident) => {
            /// 0xFF where the byte of `v` is `c`.
            #[inline]
            #[target_feature(enable = $feature)]
            fn eq(v: $v, c: u8) -> $v {
                $cmpeq(v, $set1(c as i8))
            }

            /// 0xFF where the byte of `v` is at most `c`.
            #[inline]
            #[target_feature(enable = $feature)]
            fn le(v: $v, c: u8) -> $v {
                $cmpeq($min(v, $set1(c as i8)), v)
            }

            /// 0xFF where the byte of `v` is `c` or `c | bit` (`bit` one bit
            /// that `c` has not): two bytes in one comparison.
            #[inline]
            #[target_feature(enable = $feature)]
            fn eq2(v: $v, c: u8, bit: u8) -> $v {
                eq($or(v, $set1(bit as i8)), c | bit)
            }

            /// 0xFF where the byte of `v` is in `lo..=hi`.
            #[inline]
            #[target_feature(enable = $feature)]
            fn range(v: $v, lo: u8, hi: u8) -> $v {
                le($sub(v, $set1(lo as i8)), hi - lo)
            }

            #[inline]
            #[target_feature(enable = $feature)]
            fn or(a: $v, b: $v) -> $v {
                $or(a, b)
            }

            #[inline]
            #[target_feature(enable = $feature)]
            fn xml(v: $v) -> $v {
                or(
                    or(le(v, 0x1F), eq2(v, b'<', 2)),
                    or(or(eq2(v, b'&', 1), eq(v, b'"')), eq(v, 0xEF)),
                )
            }

            #[inline]
            #[target_feature(enable = $feature)]
            fn json(v: $v) -> $v {
                or(or(le(v, 0x1F), eq(v, b'"')), eq(v, b'\\'))
            }

            /// Backslash, LF, and tab and CR (0x09, 0x0D) together.
            #[inline]
            #[target_feature(enable = $feature)]
            fn tsv(v: $v) -> $v {
                or(or(eq(v, b'\\'), eq(v, b'\n')), eq2(v, b'\t', 4))
            }

            /// 0x0A–0x0D, 0x1C–0x1E, and 0xC2 and 0xE2 together.
            #[inline]
            #[target_feature(enable = $feature)]
            fn line_break(v: $v) -> $v {
                or(
                    or(range(v, 0x0A, 0x0D), range(v, 0x1C, 0x1E)),
                    eq2(v, 0xC2, 0x20),
                )
            }

            /// `<` and `>` together, `&`, 0xE2.
            #[inline]
            #[target_feature(enable = $feature)]
            fn script(v: $v) -> $v {
                or(or(eq2(v, b'<', 2), eq(v, b'&')), eq(v, 0xE2))
            }
        };
    }

    /// SSE2: strings of 4 bytes and more.
    pub(super) mod sse2 {
        use std::arch::x86_64::{
            __m128i, _mm_cmpeq_epi8, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128, _mm_set_epi64x,
            _mm_set1_epi8, _mm_sub_epi8,
        };

        tests!(
            "sse2",
            __m128i,
            _mm_cmpeq_epi8,
            _mm_min_epu8,
            _mm_or_si128,
            _mm_sub_epi8,
            _mm_set1_epi8
        );

        /// The 16 bytes of `b` as a vector.
        #[inline]
        #[target_feature(enable = "sse2")]
        fn load(b: &[u8; 16]) -> __m128i {
            let x = u128::from_le_bytes(*b);
            _mm_set_epi64x((x >> 64) as i64, x as i64)
        }

        macro_rules! scanner {
            ($name:ident, $mask:ident) => {
                /// The index of the first byte of `b` in the set, or
                /// `b.len()`; `b` has 4 bytes at least.
                #[inline]
                #[target_feature(enable = "sse2")]
                pub(in super::super) fn $name(b: &[u8]) -> usize {
                    let mask = $mask;
                    let n = b.len();
                    if n < 16 {
                        // The first and the last 8 (or 4) bytes,
                        // overlapping, in the two halves of one block.
                        let (lo, hi, half) = match (b.first_chunk::<8>(), b.last_chunk::<8>()) {
                            (Some(lo), Some(hi)) => {
                                (u64::from_le_bytes(*lo), u64::from_le_bytes(*hi), 8)
                            }
                            _ => {
                                let word = |w: Option<&[u8; 4]>| {
                                    u64::from(u32::from_le_bytes(*w.expect("4 bytes")))
                                };
                                (word(b.first_chunk()), word(b.last_chunk()), 4)
                            }
                        };
                        let m =
                            _mm_movemask_epi8(mask(_mm_set_epi64x(hi as i64, lo as i64))) as u32;
                        let (low, high) = (m & ((1 << half) - 1), (m >> 8) & ((1 << half) - 1));
                        return if low != 0 {
                            low.trailing_zeros() as usize
                        } else if high != 0 {
                            n - half + high.trailing_zeros() as usize
                        } else {
                            n
                        };
                    }
                    let mut i = 0;
                    while let Some(pair) = b.get(i..).and_then(<[u8]>::first_chunk::<32>) {
                        let (x, y) = pair.split_at(16);
                        let x = mask(load(x.try_into().expect("16 bytes")));
                        let y = mask(load(y.try_into().expect("16 bytes")));
                        if _mm_movemask_epi8(or(x, y)) != 0 {
                            let m =
                                _mm_movemask_epi8(x) as u32 | (_mm_movemask_epi8(y) as u32) << 16;
                            return i + m.trailing_zeros() as usize;
                        }
                        i += 32;
                    }
                    while i < n {
                        // The next 16 bytes, or the last 16 (those before
                        // `i` masked off).
                        let at = i.min(n - 16);
                        let block = b[at..].first_chunk::<16>().expect("16 bytes");
                        let m =
                            (_mm_movemask_epi8(mask(load(block))) as u32) >> (i - at) << (i - at);
                        if m != 0 {
                            return at + m.trailing_zeros() as usize;
                        }
                        i = at + 16;
                    }
                    n
                }
            };
        }

        scanner!(find_xml, xml);
        scanner!(find_json, json);
        scanner!(find_tsv, tsv);
        scanner!(find_line_break, line_break);
        scanner!(find_script, script);
    }

    /// AVX2: strings of 64 bytes and more.
    pub(super) mod avx2 {
        use std::arch::x86_64::{
            __m256i, _mm256_cmpeq_epi8, _mm256_min_epu8, _mm256_movemask_epi8, _mm256_or_si256,
            _mm256_set_epi64x, _mm256_set1_epi8, _mm256_sub_epi8,
        };

        tests!(
            "avx2",
            __m256i,
            _mm256_cmpeq_epi8,
            _mm256_min_epu8,
            _mm256_or_si256,
            _mm256_sub_epi8,
            _mm256_set1_epi8
        );

        /// The 32 bytes of `b` as a vector.
        #[inline]
        #[target_feature(enable = "avx2")]
        fn load(b: &[u8; 32]) -> __m256i {
            let (lo, hi) = (
                u128::from_le_bytes(*b.first_chunk::<16>().expect("16 bytes")),
                u128::from_le_bytes(*b.last_chunk::<16>().expect("16 bytes")),
            );
            _mm256_set_epi64x((hi >> 64) as i64, hi as i64, (lo >> 64) as i64, lo as i64)
        }

        macro_rules! scanner {
            ($name:ident, $mask:ident) => {
                /// The index of the first byte of `b` in the set, or
                /// `b.len()`; `b` has 32 bytes at least.
                #[target_feature(enable = "avx2")]
                pub(in super::super) fn $name(b: &[u8]) -> usize {
                    let mask = $mask;
                    let n = b.len();
                    let mut i = 0;
                    while let Some(pair) = b.get(i..).and_then(<[u8]>::first_chunk::<64>) {
                        let (x, y) = pair.split_at(32);
                        let x = mask(load(x.try_into().expect("32 bytes")));
                        let y = mask(load(y.try_into().expect("32 bytes")));
                        if _mm256_movemask_epi8(or(x, y)) != 0 {
                            let m = u64::from(_mm256_movemask_epi8(x) as u32)
                                | u64::from(_mm256_movemask_epi8(y) as u32) << 32;
                            return i + m.trailing_zeros() as usize;
                        }
                        i += 64;
                    }
                    while i < n {
                        // The next 32 bytes, or the last 32 (those before
                        // `i` masked off).
                        let at = i.min(n - 32);
                        let block = b[at..].first_chunk::<32>().expect("32 bytes");
                        let m = (_mm256_movemask_epi8(mask(load(block))) as u32) >> (i - at)
                            << (i - at);
                        if m != 0 {
                            return at + m.trailing_zeros() as usize;
                        }
                        i = at + 32;
                    }
                    n
                }
            };
        }

        scanner!(find_xml, xml);
        scanner!(find_json, json);
        scanner!(find_tsv, tsv);
        scanner!(find_line_break, line_break);
        scanner!(find_script, script);
    }
}

/// `text` escaped for XML element content and attribute values, with
/// characters XML cannot carry removed.
pub fn escape(text: &str) -> Cow<'_, str> {
    let first = next_special(text.as_bytes(), 0);
    if first == text.len() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    out.push_str(&text[..first]);
    push_escaped_from(&mut out, text, first);
    Cow::Owned(out)
}

/// Appends `text` escaped as [`escape`] does to `out`, without an
/// intermediate string.
pub fn push_escaped(out: &mut String, text: &str) {
    push_escaped_from(out, text, 0);
}

/// [`push_escaped`] of `text[from..]`, `from` being a character boundary.
fn push_escaped_from(out: &mut String, text: &str, from: usize) {
    // One pass over the bytes: the characters to escape or remove are all
    // ASCII except U+FFFE and U+FFFF (EF BF BE, EF BF BF), so a run of
    // other bytes is copied whole.
    let b = text.as_bytes();
    let (mut last, mut i) = (from, from);
    while i < b.len() {
        i = find(Bytes::Xml, b, i);
        if i == b.len() {
            break;
        }
        let (len, with) = match b[i] {
            // Candidates of the scan, kept.
            b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'<' => (1, "&lt;"),
            b'>' => (1, "&gt;"),
            b'&' => (1, "&amp;"),
            b'"' => (1, "&quot;"),
            b'\'' => (1, "&apos;"),
            0..=0x1F => (1, ""),
            0xEF if b.get(i + 1) == Some(&0xBF) && matches!(b.get(i + 2), Some(0xBE | 0xBF)) => {
                (3, "")
            }
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&text[last..i]);
        out.push_str(with);
        i += len;
        last = i;
    }
    out.push_str(&text[last..]);
}

/// `text` escaped for an attribute value: as [`escape`], and tab, LF and
/// CR as character references, which attribute-value normalisation would
/// otherwise turn into spaces.
pub fn escape_attr(text: &str) -> Cow<'_, str> {
    let e = escape(text);
    if !e.bytes().any(|b| matches!(b, b'\t' | b'\n' | b'\r')) {
        return e;
    }
    Cow::Owned(
        e.replace('\t', "&#9;")
            .replace('\n', "&#10;")
            .replace('\r', "&#13;"),
    )
}

/// Appends `text` escaped as [`escape_attr`] does to `out`.
pub fn push_escaped_attr(out: &mut String, text: &str) {
    let start = out.len();
    push_escaped(out, text);
    if out.as_bytes()[start..]
        .iter()
        .any(|b| matches!(b, b'\t' | b'\n' | b'\r'))
    {
        let e = out.split_off(start);
        out.push_str(
            &e.replace('\t', "&#9;")
                .replace('\n', "&#10;")
                .replace('\r', "&#13;"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_is_escaped_and_cleaned() {
        assert_eq!(
            escape("a]]>b<script>&\"'"),
            "a]]&gt;b&lt;script&gt;&amp;&quot;&apos;"
        );
        assert_eq!(escape("x\u{0}\u{1}\u{B}y\u{FFFE}\u{FFFF}z\t\n"), "xyz\t\n");
        assert!(matches!(escape("Hà Nội"), Cow::Borrowed(_)));
        // The byte-level pass agrees with the character-level definition.
        let reference = |t: &str| -> String {
            t.chars()
                .filter(|&c| is_xml_char(c))
                .map(|c| match c {
                    '<' => "&lt;".to_owned(),
                    '>' => "&gt;".to_owned(),
                    '&' => "&amp;".to_owned(),
                    '"' => "&quot;".to_owned(),
                    '\'' => "&apos;".to_owned(),
                    c => c.to_string(),
                })
                .collect()
        };
        for t in [
            "",
            "<",
            "\u{FFFF}",
            "a\u{FFFD}\u{FEFF}\u{FFFE}b\u{F8FF}<\u{7F}\u{80}\u{1F}",
            "Kết luận số 45-KL/TW & \"Ban Bí thư\" \u{2028}\u{10FFFF}\u{E000}\u{D7FF}",
            "\u{EF}\u{BF}\u{FFFE}\u{FFFE}",
        ] {
            assert_eq!(escape(t), reference(t), "{t:?}");
        }
        assert_eq!(escape_attr("a\tb\nc\r\"<"), "a&#9;b&#10;c&#13;&quot;&lt;");
        for t in ["a\tb\nc\r\"<", "bai-00000:0001", "", "\u{1}\t"] {
            let mut pushed = String::from("\t");
            push_escaped_attr(&mut pushed, t);
            assert_eq!(pushed, format!("\t{}", escape_attr(t)), "{t:?}");
        }
    }

    #[test]
    fn find_agrees_with_the_sets_at_every_position_and_start() {
        // Every byte value at every offset of buffers of 0 to 140 bytes
        // (the short paths, the double steps, the overlapping last block of
        // both instruction sets), and a second byte of the set further on;
        // several starts. Past 40 bytes, the bytes tried are those of the
        // set and their neighbours.
        let sets = [
            Bytes::Xml,
            Bytes::Json,
            Bytes::Tsv,
            Bytes::LineBreak,
            Bytes::Script,
        ];
        for set in sets {
            let plain = (0..=255u8).find(|&c| !set.has(c)).unwrap();
            let member = (0..=255u8).find(|&c| set.has(c)).unwrap();
            let edges: Vec<u8> = (0..=255u8)
                .filter(|&c| set.has(c) || set.has(c.wrapping_add(1)) || set.has(c.wrapping_sub(1)))
                .collect();
            let all: Vec<u8> = (0..=255u8).collect();
            let reference =
                |b: &[u8], i: usize| (i..b.len()).find(|&k| set.has(b[k])).unwrap_or(b.len());
            for len in 0..=140usize {
                let bytes = if len <= 40 { &all } else { &edges };
                for at in 0..len {
                    for &c in bytes {
                        let mut b = vec![plain; len];
                        b[at] = c;
                        if at + 5 < len {
                            b[at + 5] = member;
                        }
                        for i in [0, at.saturating_sub(1), at, at + 1, len] {
                            let want = reference(&b, i);
                            assert_eq!(find(set, &b, i), want, "{set:?} {b:?} from {i}");
                            simd_agree(set, &b[i..], want - i);
                        }
                    }
                }
                assert_eq!(find(set, &vec![plain; len], 0), len);
            }
        }
        // Every byte of a set is in its table, and nothing else.
        assert!((0..=255u8).all(|c| Bytes::Xml.has(c)
            == (SPECIAL[usize::from(c)] || matches!(c, b'\t' | b'\n' | b'\r'))));
    }

    /// Both instruction sets' scans of `b` (as far as they take it) find
    /// `want`, whichever one [`find`] chose.
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    fn simd_agree(set: Bytes, b: &[u8], want: usize) {
        #[allow(unsafe_code)]
        // SAFETY: as in `find`: SSE2 always, AVX2 where detected.
        unsafe {
            use super::simd::{avx2, sse2};
            if b.len() >= 4 {
                let got = match set {
                    Bytes::Xml => sse2::find_xml(b),
                    Bytes::Json => sse2::find_json(b),
                    Bytes::Tsv => sse2::find_tsv(b),
                    Bytes::LineBreak => sse2::find_line_break(b),
                    Bytes::Script => sse2::find_script(b),
                };
                assert_eq!(got, want, "SSE2 {set:?} {b:?}");
            }
            if b.len() >= 32 && std::arch::is_x86_feature_detected!("avx2") {
                let got = match set {
                    Bytes::Xml => avx2::find_xml(b),
                    Bytes::Json => avx2::find_json(b),
                    Bytes::Tsv => avx2::find_tsv(b),
                    Bytes::LineBreak => avx2::find_line_break(b),
                    Bytes::Script => avx2::find_script(b),
                };
                assert_eq!(got, want, "AVX2 {set:?} {b:?}");
            }
        }
    }

    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    fn simd_agree(_set: Bytes, _b: &[u8], _want: usize) {}

    #[test]
    fn block_scan_agrees_with_the_byte_table_at_every_position() {
        // Each special character (and tab, LF, CR, which stop no scan) at
        // every offset of texts of 1 to 41 characters, among ASCII and
        // Vietnamese letters: `escape` and `push_escaped` give what a
        // byte-by-byte pass over the table gives.
        let reference = |t: &str| -> String {
            let mut out = String::new();
            for c in t.chars() {
                match c {
                    '<' => out.push_str("&lt;"),
                    '>' => out.push_str("&gt;"),
                    '&' => out.push_str("&amp;"),
                    '"' => out.push_str("&quot;"),
                    '\'' => out.push_str("&apos;"),
                    c if is_xml_char(c) => out.push(c),
                    _ => {}
                }
            }
            out
        };
        for base in ["abcdefghij", "Kết luận Bí"] {
            let fill: String = base.chars().cycle().take(40).collect();
            for special in [
                "<", "&", "'", "\"", ">", "\u{1}", "\t", "\n", "\u{FFFF}", "\u{FFFD}",
            ] {
                let chars: Vec<char> = fill.chars().collect();
                for len in 0..=chars.len() {
                    for at in 0..=len {
                        let t: String = chars[..at]
                            .iter()
                            .chain(special.chars().collect::<Vec<_>>().iter())
                            .chain(chars[at..len].iter())
                            .collect();
                        let want = reference(&t);
                        assert_eq!(escape(&t), want, "{t:?}");
                        let mut pushed = String::from("x");
                        push_escaped(&mut pushed, &t);
                        assert_eq!(pushed, format!("x{want}"), "{t:?}");
                    }
                }
            }
        }
    }
}
