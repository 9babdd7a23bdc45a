//! The ASCII stage: strip Vietnamese diacritics (and fold everything else) to
//! plain ASCII the way newsrooms write image captions and URL slugs.
//!
//! Contract of [`to_ascii`] / [`Folder`]:
//! - **expects** any Unicode text, in NFC, NFD or a legacy mark order
//!   ("Unicode tổ hợp": a precomposed vowel followed by a combining tone);
//! - **returns** ASCII only, always;
//! - **adds no line break**: the output has exactly the input's LF and CR
//!   bytes; non-ASCII line and paragraph separators (U+0085, U+2028,
//!   U+2029) become a space;
//! - **leaves untouched** every ASCII byte of the input, control characters,
//!   tabs, CR and LF included (this is why it never calls
//!   `deunicode::deunicode()` on whole text: deunicode 1.5+ deletes line breaks
//!   after the first non-ASCII character);
//! - is **idempotent** (ASCII in, the same ASCII out) and context-free apart
//!   from one rule: a multi-letter mapping's trailing space (CJK syllables,
//!   `北京` → `Bei Jing`) is dropped before whitespace, closing punctuation or
//!   the end of the text, so no stray trailing spaces appear.
//!
//! Mapping, in order of precedence:
//! 1. the newsroom overrides of [`override_for`] (typographic quotes and dashes,
//!    spaces, invisible characters, `₫`);
//! 2. combining marks U+0300..=U+0362 vanish, which is what makes NFC, NFD and
//!    odd mark orders agree without a normalisation pass;
//! 3. `deunicode_char` per character for everything else (the 134 precomposed
//!    Vietnamese letters, `đ/Đ`, `Ð`, other scripts, symbols, emoji);
//! 4. a character deunicode does not know becomes `?`.
//!
//! NFC and NFD agree for every letter built from a base and the combining
//! diacritics U+0300..U+036F (all Vietnamese, Latin, Greek, Cyrillic). Kana
//! with voicing marks and Hangul syllables fold from their precomposed form
//! (`が` → `ga`); their NFD form folds mark by mark (`か` + U+3099 →
//! `ka'`), a known difference outside the newsroom's scripts.
//!
//! Speed: a 64 KiB table built once answers every BMP character whose mapping
//! is a single ASCII byte or nothing (all Vietnamese letters), so the hot loop
//! never calls into deunicode for Vietnamese text.
//!
//! Streaming: [`Folder`] keeps the only cross-character state (a pending
//! trailing space) between calls, and [`StreamFolder`] adds UTF-8 decoding of
//! arbitrary byte chunks, so output does not depend on where input is split.
//! The slug form is [`slug`].

use std::sync::OnceLock;

/// What a character becomes, as stored in the fast table.
/// `0x01..=0x7F`: that single ASCII byte. `DROP`: nothing. `SLOW`: ask
/// [`map_char`].
const DROP: u8 = 0x00;
const SLOW: u8 = 0x80;

/// Newsroom choices that differ from (or pin down) deunicode's table.
///
/// Returns `None` when the character has no override.
fn override_for(c: char) -> Option<&'static str> {
    Some(match c {
        // Typographic quotes: DESIGN.md `“ ” „` → `"`, `‘ ’` → `'`.
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => "\"",
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' => "'",
        '\u{2026}' => "...",
        // Hyphens and dashes: en dash, figure dash, minus → `-`; em dash → `--`.
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2212}' | '\u{FE63}'
        | '\u{FF0D}' => "-",
        '\u{2014}' | '\u{2015}' => "--",
        // Every Unicode space becomes exactly one ASCII space (never collapsed).
        '\u{00A0}'
        | '\u{1680}'
        | '\u{2000}'..='\u{200A}'
        | '\u{202F}'
        | '\u{205F}'
        | '\u{3000}' => " ",
        // Invisible characters vanish: ZWSP (deunicode makes it a space, which
        // would split `Việt\u{200B}Nam` into two words), ZWNJ, ZWJ, LRM, RLM,
        // word joiner and invisible operators, BOM, soft hyphen, Mongolian
        // vowel separator, bidi embeddings and isolates.
        '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}'
        | '\u{FEFF}'
        | '\u{00AD}'
        | '\u{180E}' => "",
        // Line and paragraph separators other than ASCII's (next line,
        // line separator, paragraph separator) become one space: the fold
        // never adds a line break (deunicode makes U+2028 `\n` and U+2029
        // `\n\n`), so the output has exactly the input's LF and CR bytes.
        '\u{0085}' | '\u{2028}' | '\u{2029}' => " ",
        // The dong sign: Vietnamese writes prices with a lower-case đ.
        '\u{20AB}' => "d",
        // The replacement character (what `--lossy` puts for invalid bytes).
        '\u{FFFD}' => "?",
        // Symbols whose meaning deunicode loses. The negation overlay
        // (`≠` is `=` + U+0338 in NFD) is a slash, so `≠` is `=/` in NFC
        // and NFD alike, never `=`; an arrow keeps its direction; the pound
        // is `GBP` (deunicode: `PS`).
        '\u{0338}' => "/",
        '\u{2192}' | '\u{27F6}' | '\u{27A1}' => "->",
        '\u{2190}' | '\u{27F5}' => "<-",
        '\u{2194}' | '\u{27F7}' => "<->",
        '\u{21D2}' | '\u{27F9}' => "=>",
        '\u{21D0}' | '\u{27F8}' => "<=",
        '\u{21D4}' | '\u{27FA}' => "<=>",
        '\u{00A3}' => "GBP",
        _ => return None,
    })
}

/// The ASCII form of one non-ASCII character (slow path, no table).
fn map_char(c: char) -> &'static str {
    if let Some(s) = override_for(c) {
        return s;
    }
    if ('\u{0300}'..='\u{0362}').contains(&c) {
        return "";
    }
    // A canonical singleton (Kelvin sign, Ohm sign, CJK compatibility
    // ideographs) folds like the character it stands for, which is what NFC
    // and NFD turn it into: a text and its normal forms then agree.
    let mut parts = [None, None];
    let mut n = 0;
    unicode_normalization::char::decompose_canonical(c, |d| {
        if n < 2 {
            parts[n] = Some(d);
        }
        n += 1;
    });
    if let (1, Some(d)) = (n, parts[0])
        && d != c
    {
        return map_char(d);
    }
    let own = deunicode::deunicode_char(c).unwrap_or("?");
    // Emoji and pictographs whose mapping is an English name (`⚽` →
    // `soccer`, `❤` → `heart`, `👉` → `point right`) vanish: a Vietnamese
    // caption never spells them out. Short mappings stay (`✓` → `OK`,
    // `★` → `*`, `👍` → `+1`).
    if is_pictograph(c) && has_word(own) {
        return "";
    }
    if n >= 2 {
        // A precomposed letter whose decomposition is a base letter plus
        // diacritics of U+0300..U+036F folds exactly like that decomposition
        // (the marks vanish), so NFC and NFD input agree: deunicode's table
        // has a few that differ (`ΐ` → `I` while `ι` + marks → `i`). For
        // Vietnamese letters the two are already the same. Composites with
        // other marks (kana voicing, Hangul jamo) keep deunicode's mapping:
        // there the mark carries sound (`が` → `ga`).
        let mut parts = Vec::new();
        unicode_normalization::char::decompose_canonical(c, |d| parts.push(d));
        if parts[1..]
            .iter()
            .all(|m| ('\u{0300}'..='\u{036F}').contains(m))
        {
            let folded: String = parts.iter().map(|&d| map_char(d)).collect();
            if folded != own {
                return intern(c, folded);
            }
        }
    }
    own
}

/// Miscellaneous Symbols, Dingbats and the emoji planes (U+1F000..U+1FAFF).
fn is_pictograph(c: char) -> bool {
    matches!(c, '\u{2600}'..='\u{27BF}' | '\u{1F000}'..='\u{1FAFF}')
}

/// Has `s` three ASCII letters in a row (a word, not a sign)?
fn has_word(s: &str) -> bool {
    s.as_bytes()
        .windows(3)
        .any(|w| w.iter().all(u8::is_ascii_alphabetic))
}

/// A leaked, process-wide copy of a computed mapping (a few hundred short
/// strings at most, computed once per character).
fn intern(c: char, s: String) -> &'static str {
    static INTERNED: OnceLock<std::sync::Mutex<std::collections::HashMap<char, &'static str>>> =
        OnceLock::new();
    let mut map = INTERNED
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    map.entry(c)
        .or_insert_with(|| Box::leak(s.into_boxed_str()))
}

/// The ASCII form of one character, as the fold writes it (a multi-letter
/// mapping may keep its trailing space; see [`Folder`] for the rule that
/// drops it in running text).
pub fn fold_char(c: char) -> &'static str {
    let cp = c as u32;
    if cp < 0x80 {
        return return_ascii(cp as u8);
    }
    match if cp < 0x10000 {
        table()[cp as usize]
    } else {
        SLOW
    } {
        DROP => "",
        SLOW => map_char(c),
        b => return_ascii(b),
    }
}

/// [`fold_char`] as the glossary matcher folds text: a pictograph that
/// vanishes from the ASCII form (`⚽`) is a space there, so that it still
/// breaks words (`Bộ Y tế👉Xem`).
pub(crate) fn fold_char_breaking(c: char) -> &'static str {
    match fold_char(c) {
        "" if is_pictograph(c) => " ",
        s => s,
    }
}

/// The fold of a non-ASCII code point when it is one ASCII byte (`Some(b)`)
/// or nothing (`Some(0)`); `None` when it needs [`fold_char`]. The table is
/// looked up once, for loops over many characters.
#[inline]
pub(crate) fn fold_fast_fn() -> impl Fn(u32) -> Option<u8> {
    let t = table();
    move |cp| match if cp < 0x10000 { t[cp as usize] } else { SLOW } {
        SLOW => None,
        b => Some(b),
    }
}

/// Decodes the non-ASCII scalar value starting at `bytes[i]` of valid
/// UTF-8: (code point, length in bytes).
#[inline(always)]
pub(crate) fn decode_at(bytes: &[u8], i: usize) -> (u32, usize) {
    decode(bytes, i)
}

/// The 64 KiB table of single-byte mappings for the Basic Multilingual Plane.
fn table() -> &'static [u8; 0x10000] {
    static TABLE: OnceLock<Box<[u8; 0x10000]>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = Box::new([SLOW; 0x10000]);
        for (cp, slot) in t.iter_mut().enumerate() {
            let Some(c) = char::from_u32(cp as u32) else {
                continue;
            };
            if c.is_ascii() {
                *slot = cp as u8;
                continue;
            }
            let s = map_char(c);
            *slot = match s.as_bytes() {
                // A pictograph that vanishes still breaks words (the slow
                // path leaves a pending space for it).
                [] if is_pictograph(c) => SLOW,
                [] => DROP,
                // A mapping to a NUL byte cannot be told from DROP; none exists,
                // but keep it on the slow path rather than rely on that.
                [b] if *b != 0 && *b < 0x80 => *b,
                _ => SLOW,
            };
        }
        t
    })
}

/// The one-byte string of an ASCII byte.
fn return_ascii(b: u8) -> &'static str {
    // Every ASCII character as a one-byte string, checked at compile time.
    static BYTES: [u8; 128] = {
        let mut a = [0u8; 128];
        let mut i = 0;
        while i < 128 {
            a[i] = i as u8;
            i += 1;
        }
        a
    };
    static STRS: [&str; 128] = {
        let mut s = [""; 128];
        let mut i = 0;
        while i < 128 {
            s[i] = match std::str::from_utf8(std::slice::from_ref(&BYTES[i])) {
                Ok(one) => one,
                Err(_) => panic!("ASCII is UTF-8"),
            };
            i += 1;
        }
        s
    };
    STRS[usize::from(b & 0x7F)]
}

/// Decodes the scalar value starting at `bytes[i]` (valid UTF-8, not ASCII):
/// (code point, length in bytes).
#[inline(always)]
fn decode(bytes: &[u8], i: usize) -> (u32, usize) {
    let b0 = bytes[i];
    if b0 < 0xE0 {
        (
            (u32::from(b0 & 0x1F) << 6) | u32::from(bytes[i + 1] & 0x3F),
            2,
        )
    } else if b0 < 0xF0 {
        (
            (u32::from(b0 & 0x0F) << 12)
                | (u32::from(bytes[i + 1] & 0x3F) << 6)
                | u32::from(bytes[i + 2] & 0x3F),
            3,
        )
    } else {
        (
            (u32::from(b0 & 0x07) << 18)
                | (u32::from(bytes[i + 1] & 0x3F) << 12)
                | (u32::from(bytes[i + 2] & 0x3F) << 6)
                | u32::from(bytes[i + 3] & 0x3F),
            4,
        )
    }
}

/// Should a pending trailing space be dropped before `next`?
fn trims_before(next: u8) -> bool {
    matches!(
        next,
        b' ' | b'\t'
            | b'\n'
            | b'\r'
            | b'\x0B'
            | b'\x0C'
            | b','
            | b'.'
            | b';'
            | b':'
            | b'!'
            | b'?'
            | b')'
            | b']'
            | b'}'
    )
}

/// Folds text to ASCII, piece by piece.
///
/// Feed it text with [`Folder::fold`] as often as needed, then call
/// [`Folder::finish`] once. The output is identical however the text is cut
/// into pieces (as long as each piece is a `&str`).
#[derive(Debug, Default, Clone)]
pub struct Folder {
    /// A multi-letter mapping ended in a space that is only written if
    /// something other than whitespace or closing punctuation follows.
    pending_space: bool,
}

impl Folder {
    /// A folder with no pending state.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends the ASCII form of `text` to `out`.
    pub fn fold(&mut self, text: &str, out: &mut Vec<u8>) {
        let w = out.len();
        out.resize(w + text.len(), 0);
        let w = self.fold_at(text, out, w);
        out.truncate(w);
    }

    /// Writes the ASCII form of `text` at `out[w..]` and returns the new end
    /// of the output; `out.len() - w` must be at least `text.len()` (the
    /// bytes after the returned end are scratch).
    fn fold_at(&mut self, text: &str, out: &mut Vec<u8>, mut w: usize) -> usize {
        let table = table();
        let bytes = text.as_bytes();
        let n = bytes.len();
        debug_assert!(out.len() - w >= n);
        // `out[..w]` is the output so far; `out[w..]` is room made in advance.
        // Invariant at the top of each loop: room >= n - i. The fast path
        // consumes at least one input byte per output byte, so it keeps the
        // invariant without checks; the slow path grows the room when a
        // mapping is longer than its input (amortised by doubling).
        let mut i = 0;
        while i < n {
            if !self.pending_space {
                // The hot loop. Room is checked once here; inside, each step
                // writes at most one byte per input byte consumed, so
                // `w + (n - i) <= out.len()` holds throughout and every write
                // is in bounds.
                let room = &mut out[w..w + (n - i)];
                let mut k = 0;
                while i < n {
                    // Eight bytes at a time: all eight are copied, and as many
                    // as lead with ASCII are kept (the rest is written again
                    // below). `k <= i - start` and `i + 8 <= n`, so the eight
                    // bytes fit in the room.
                    if let Some(chunk) = bytes.get(i..i + 8) {
                        let word = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
                        let high = word & 0x8080_8080_8080_8080;
                        let ascii = (high.trailing_zeros() / 8) as usize;
                        if ascii > 0 {
                            room[k..k + 8].copy_from_slice(chunk);
                            k += ascii;
                            i += ascii;
                            continue;
                        }
                    }
                    let b0 = bytes[i];
                    if b0 < 0x80 {
                        room[k] = b0;
                        k += 1;
                        i += 1;
                        continue;
                    }
                    let (cp, len) = decode(bytes, i);
                    let slot = if cp < 0x10000 {
                        table[cp as usize]
                    } else {
                        SLOW
                    };
                    if slot == SLOW {
                        break;
                    }
                    if slot != DROP {
                        room[k] = slot;
                        k += 1;
                    }
                    i += len;
                }
                w += k;
                if i >= n {
                    break;
                }
            }
            // Slow path: one character, with the pending-space rule.
            let b0 = bytes[i];
            let mut breaks_words = false;
            let (mapped, len): (&[u8], usize) = if b0 < 0x80 {
                (&bytes[i..=i], 1)
            } else {
                let (cp, len) = decode(bytes, i);
                breaks_words = char::from_u32(cp).is_some_and(is_pictograph);
                let mapped = match if cp < 0x10000 {
                    table[cp as usize]
                } else {
                    SLOW
                } {
                    DROP => "",
                    SLOW => map_char(char::from_u32(cp).expect("decoded from valid UTF-8")),
                    b => return_ascii(b),
                };
                (mapped.as_bytes(), len)
            };
            i += len;
            let Some(&first) = mapped.first() else {
                // Empty mappings (a skin-tone modifier after an emoji) keep the
                // pending space pending: `👍🏽` → `+1`, not `+1 `. A pictograph
                // that vanishes (`⚽`) is a word break: a space, dropped like a
                // trailing one (`Hà Nội⚽Huế` → `Ha Noi Hue`, `⚽ Bàn` → ` Ban`).
                self.pending_space |= breaks_words;
                continue;
            };
            let need = w + 1 + mapped.len() + (n - i);
            if out.len() < need {
                out.resize(need.max(out.len() * 2), 0);
            }
            if std::mem::take(&mut self.pending_space) && !trims_before(first) {
                out[w] = b' ';
                w += 1;
            }
            let body = match mapped.split_last() {
                // A multi-letter mapping's trailing space waits for what follows.
                Some((b' ', head)) if !head.is_empty() && b0 >= 0x80 => {
                    self.pending_space = true;
                    head
                }
                _ => mapped,
            };
            out[w..w + body.len()].copy_from_slice(body);
            w += body.len();
        }
        w
    }

    /// Ends the text: a pending trailing space is dropped.
    pub fn finish(&mut self, _out: &mut Vec<u8>) {
        self.pending_space = false;
    }
}

/// The ASCII form of `text` (see the module documentation for the contract).
///
/// ```
/// assert_eq!(
///     songngu::to_ascii("Đảng ủy Công an TW quán triệt"),
///     "Dang uy Cong an TW quan triet"
/// );
/// ```
pub fn to_ascii(text: &str) -> String {
    if text.is_ascii() {
        return text.to_owned();
    }
    // Zeroed memory straight from the allocator (no memset pass) as room.
    let mut out = vec![0u8; text.len()];
    #[cfg(target_os = "linux")]
    advise_huge_pages(&mut out);
    let mut folder = Folder::new();
    let end = folder.fold_at(text, &mut out, 0);
    out.truncate(end);
    debug_assert!(out.is_ascii());
    // SAFETY: the fold writes ASCII bytes only: input ASCII bytes, table
    // entries (< 0x80 by construction) and mappings from `map_char`, which
    // are deunicode's ASCII strings, our ASCII overrides, or concatenations
    // of those. Re-validating 50 MB of output costs ~5% of the fold.
    #[allow(unsafe_code)]
    unsafe {
        String::from_utf8_unchecked(out)
    }
}

/// Asks Linux to back the 2 MiB-aligned part of a large, not yet touched
/// output buffer with transparent huge pages, where the system allows it
/// (`madvise` mode): folding 50 MB of Vietnamese then faults in about 20
/// huge pages instead of about 10,000 small ones, which cost about half as
/// much as the fold itself. Contents and size are unchanged; a refusal is
/// ignored.
#[cfg(target_os = "linux")]
fn advise_huge_pages(buf: &mut [u8]) {
    const HUGE: usize = 2 << 20;
    if buf.len() < 2 * HUGE {
        return;
    }
    let start = buf.as_ptr() as usize;
    let first = start.next_multiple_of(HUGE) - start;
    let end = (start + buf.len()) / HUGE * HUGE - start;
    let Some(region) = buf.get_mut(first..end).filter(|r| !r.is_empty()) else {
        return;
    };
    // SAFETY: `region` is memory this function borrows mutably, aligned to
    // (and a multiple of) 2 MiB, so of whole pages; MADV_HUGEPAGE changes
    // only how the kernel backs those pages, never what they hold.
    #[allow(unsafe_code)]
    let _refused = unsafe {
        rustix::mm::madvise(
            region.as_mut_ptr().cast(),
            region.len(),
            rustix::mm::Advice::LinuxHugepage,
        )
    };
}

/// The CMS image-alt line: the ASCII form of `title` followed by ` hinh anh N`.
///
/// ```
/// assert_eq!(songngu::ascii_caption("Ban Bí thư", 1), "Ban Bi thu hinh anh 1");
/// ```
pub fn ascii_caption(title: &str, n: u32) -> String {
    let mut s = to_ascii(title);
    s.truncate(s.trim_end().len());
    if !s.is_empty() {
        s.push(' ');
    }
    s.push_str("hinh anh ");
    s.push_str(&n.to_string());
    s
}

/// The URL slug of `text`: its ASCII form in lower case, runs of `[a-z0-9]`
/// joined by single `-`, nothing leading or trailing.
///
/// ```
/// assert_eq!(songngu::slug("Đảng ủy Công an TW"), "dang-uy-cong-an-tw");
/// ```
pub fn slug(text: &str) -> String {
    let ascii = to_ascii(text);
    let mut out = String::with_capacity(ascii.len());
    for word in ascii
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push('-');
        }
        out.extend(word.chars().map(|c| c.to_ascii_lowercase()));
    }
    out
}

/// Why a byte stream could not be folded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidUtf8 {
    /// Offset, from the start of the stream, of the first byte that is not
    /// part of a valid UTF-8 sequence.
    pub offset: u64,
}

/// Folds a byte stream to ASCII chunk by chunk, with memory bounded by the
/// chunk size: a UTF-8 sequence cut by a chunk boundary is carried over (at
/// most 3 bytes), and so is a pending trailing space.
#[derive(Debug, Default)]
pub struct StreamFolder {
    folder: Folder,
    carry: [u8; 4],
    carry_len: usize,
    /// Bytes consumed before the current chunk (for error offsets).
    consumed: u64,
    lossy: bool,
}

impl StreamFolder {
    /// A streaming folder; with `lossy`, each invalid UTF-8 sequence becomes
    /// U+FFFD and so folds to `?` instead of being an error.
    pub fn new(lossy: bool) -> Self {
        Self {
            lossy,
            ..Self::default()
        }
    }

    /// Folds the next chunk of input, appending ASCII to `out`.
    ///
    /// # Errors
    /// [`InvalidUtf8`] with the stream offset of the first bad byte, unless
    /// the folder is lossy.
    pub fn feed(&mut self, mut chunk: &[u8], out: &mut Vec<u8>) -> Result<(), InvalidUtf8> {
        // Complete a sequence split by the previous chunk boundary, one byte at a time
        // (at most three iterations).
        while self.carry_len > 0 && !chunk.is_empty() {
            self.carry[self.carry_len] = chunk[0];
            self.carry_len += 1;
            chunk = &chunk[1..];
            let carried = self.carry_len;
            match std::str::from_utf8(&self.carry[..carried]) {
                Ok(s) => {
                    let s = s.to_owned();
                    self.folder.fold(&s, out);
                    self.consumed += carried as u64;
                    self.carry_len = 0;
                }
                Err(e) if e.error_len().is_none() => {} // still incomplete
                Err(e) => {
                    let bad = e.error_len().unwrap_or(1);
                    if !self.lossy {
                        return Err(InvalidUtf8 {
                            offset: self.consumed,
                        });
                    }
                    self.folder.fold("\u{FFFD}", out);
                    // Re-feed the bytes after the invalid prefix.
                    let rest: Vec<u8> = self.carry[bad..carried].to_vec();
                    self.consumed += bad as u64;
                    self.carry_len = 0;
                    self.feed(&rest, out)?;
                }
            }
        }
        loop {
            match std::str::from_utf8(chunk) {
                Ok(s) => {
                    self.folder.fold(s, out);
                    self.consumed += chunk.len() as u64;
                    return Ok(());
                }
                Err(e) => {
                    let good = e.valid_up_to();
                    // SAFETY-free: re-slicing the validated prefix.
                    let valid = std::str::from_utf8(&chunk[..good]).expect("validated prefix");
                    self.folder.fold(valid, out);
                    self.consumed += good as u64;
                    match e.error_len() {
                        None => {
                            // An incomplete sequence at the end of the chunk.
                            let tail = &chunk[good..];
                            self.carry[..tail.len()].copy_from_slice(tail);
                            self.carry_len = tail.len();
                            return Ok(());
                        }
                        Some(bad) => {
                            if !self.lossy {
                                return Err(InvalidUtf8 {
                                    offset: self.consumed,
                                });
                            }
                            self.folder.fold("\u{FFFD}", out);
                            self.consumed += bad as u64;
                            chunk = &chunk[good + bad..];
                        }
                    }
                }
            }
        }
    }

    /// Ends the stream.
    ///
    /// # Errors
    /// [`InvalidUtf8`] when the stream ends inside a UTF-8 sequence (unless
    /// lossy, where that truncated sequence becomes `?`).
    pub fn finish(&mut self, out: &mut Vec<u8>) -> Result<(), InvalidUtf8> {
        if self.carry_len > 0 {
            if !self.lossy {
                return Err(InvalidUtf8 {
                    offset: self.consumed,
                });
            }
            self.consumed += self.carry_len as u64;
            self.carry_len = 0;
            self.folder.fold("\u{FFFD}", out);
        }
        self.folder.finish(out);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    /// The 134 precomposed Vietnamese letters with their base letters.
    fn vietnamese_letters() -> Vec<(char, char)> {
        let bases = "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY";
        let tones = ["", "\u{300}", "\u{301}", "\u{303}", "\u{309}", "\u{323}"];
        let mut v = Vec::new();
        for b in bases.chars() {
            let ascii = match b {
                'ă' | 'â' => 'a',
                'ê' => 'e',
                'ô' | 'ơ' => 'o',
                'ư' => 'u',
                'Ă' | 'Â' => 'A',
                'Ê' => 'E',
                'Ô' | 'Ơ' => 'O',
                'Ư' => 'U',
                c => c,
            };
            for t in tones {
                let composed: String = format!("{b}{t}").nfc().collect();
                let mut chars = composed.chars();
                let c = chars.next().unwrap();
                assert!(chars.next().is_none(), "{composed:?} is one letter");
                if !c.is_ascii() {
                    v.push((c, ascii));
                }
            }
        }
        v.push(('đ', 'd'));
        v.push(('Đ', 'D'));
        v
    }

    #[test]
    fn all_134_letters_fold_in_nfc_and_nfd() {
        let letters = vietnamese_letters();
        assert_eq!(letters.len(), 134);
        for (c, base) in letters {
            let nfc = c.to_string();
            let nfd: String = nfc.nfd().collect();
            assert_eq!(to_ascii(&nfc), base.to_string(), "NFC {c}");
            assert_eq!(to_ascii(&nfd), base.to_string(), "NFD {c} = {nfd:?}");
        }
    }

    #[test]
    fn newsroom_examples() {
        assert_eq!(
            to_ascii("Đảng ủy Công an TW quán triệt thực hiện các kết luận của Ban Bí thư"),
            "Dang uy Cong an TW quan triet thuc hien cac ket luan cua Ban Bi thu"
        );
        assert_eq!(
            ascii_caption(
                "Đảng ủy Công an TW quán triệt thực hiện các kết luận của Ban Bí thư",
                1
            ),
            "Dang uy Cong an TW quan triet thuc hien cac ket luan cua Ban Bi thu hinh anh 1"
        );
        assert_eq!(slug("Đảng ủy Công an TW"), "dang-uy-cong-an-tw");
        assert_eq!(to_ascii("ĐẠI HỘI ĐẢNG"), "DAI HOI DANG");
        assert_eq!(to_ascii("ViỆt"), "ViEt");
        // Signs keep their meaning; pictographs' English names vanish.
        assert_eq!(
            to_ascii("x ≠ y, a→b, a ⇒ b, £3"),
            "x =/ y, a->b, a => b, GBP3"
        );
        assert_eq!(to_ascii("x =\u{338} y"), "x =/ y");
        assert_eq!(to_ascii("⚽ Bàn thắng: ❤️ 👉 Xem"), " Ban thang:   Xem");
        // A vanished pictograph still breaks words.
        assert_eq!(
            to_ascii("Hà Nội⚽Huế, Bộ Y tế👉Xem"),
            "Ha Noi Hue, Bo Y te Xem"
        );
        assert_eq!(slug("Hà Nội⚽Huế"), "ha-noi-hue");
        assert_eq!(to_ascii("✓ xong ★ 👍"), "OK xong * +1");
    }

    #[test]
    fn every_diacritic_composite_folds_the_same_in_nfc_and_nfd() {
        // Every character whose NFD uses only the combining diacritics
        // U+0300..U+036F (Latin, Greek, Cyrillic, Vietnamese): NFC and NFD
        // agree. (Kana voicing marks and Hangul jamo are out of scope: see
        // the module documentation.)
        for cp in 0..=0x3FFFFu32 {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            let s = c.to_string();
            let nfd: String = s.nfd().collect();
            if !nfd
                .chars()
                .skip(1)
                .all(|m| ('\u{0300}'..='\u{036F}').contains(&m))
            {
                continue;
            }
            let nfc: String = s.nfc().collect();
            assert_eq!(to_ascii(&nfc), to_ascii(&nfd), "U+{cp:04X}");
        }
        assert_eq!(to_ascii("が"), "ga");
    }

    #[test]
    fn eth_and_lookalikes_fold_to_d() {
        assert_eq!(to_ascii("\u{D0}\u{F0}\u{189}\u{256}"), "DdDd");
    }

    #[test]
    fn legacy_mark_orders_agree() {
        // ệ: NFC; NFD (dot below first, canonical); precomposed ê + dot below
        // ("Unicode tổ hợp"); e + circumflex + dot below (non-canonical order);
        // deprecated U+0341 acute tone mark; doubled marks.
        for form in [
            "Vi\u{1EC7}t",
            "Vie\u{323}\u{302}t",
            "Vi\u{EA}\u{323}t",
            "Vie\u{302}\u{323}t",
            "Vie\u{302}\u{323}\u{323}t",
        ] {
            assert_eq!(to_ascii(form), "Viet", "{form:?}");
        }
        assert_eq!(to_ascii("a\u{341}"), "a");
        assert_eq!(to_ascii("\u{301}x"), "x", "orphan mark");
    }

    #[test]
    fn ascii_bytes_pass_through_unchanged() {
        let all_ascii: String = (0u8..0x80).map(char::from).collect();
        assert_eq!(to_ascii(&all_ascii), all_ascii);
        // The deunicode trap: line breaks after the first non-ASCII character.
        assert_eq!(
            to_ascii("Đảng\n\nủy\r\n\tx\x7F\x00"),
            "Dang\n\nuy\r\n\tx\x7F\x00"
        );
    }

    #[test]
    fn no_code_point_folds_to_a_line_break() {
        // Every scalar value, one by one: only LF and CR themselves give LF
        // or CR, so the fold keeps the input's lines.
        for cp in 0..=0x10_FFFF_u32 {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            let folded = to_ascii(&format!("{c}x"));
            let want = usize::from(c == '\n' || c == '\r');
            assert_eq!(
                folded.bytes().filter(|&b| b == b'\n' || b == b'\r').count(),
                want,
                "U+{cp:04X} folds to {folded:?}"
            );
        }
        assert_eq!(to_ascii("a\u{2028}b\u{2029}c\u{85}d"), "a b c d");
    }

    #[test]
    fn typographic_punctuation() {
        let cases = [
            ("“a” „b‟", "\"a\" \"b\""),
            ("‘a’", "'a'"),
            ("a…", "a..."),
            ("1–2", "1-2"),
            ("a—b", "a--b"),
            ("Hà\u{A0}\u{A0}Nội", "Ha  Noi"),
            ("a\u{202F}b\u{2009}c\u{3000}d", "a b c d"),
            ("Việt\u{200B}Nam", "VietNam"),
            ("\u{FEFF}x\u{AD}y\u{200C}z\u{200D}w\u{2060}v", "xyzwv"),
            ("50.000₫", "50.000d"),
            ("a\u{200E}b", "ab"),
        ];
        for (input, want) in cases {
            assert_eq!(to_ascii(input), want, "{input:?}");
        }
    }

    #[test]
    fn other_scripts_and_symbols_via_deunicode() {
        assert_eq!(to_ascii("Москва"), "Moskva");
        assert_eq!(to_ascii("北京"), "Bei Jing");
        assert_eq!(to_ascii("北京\n"), "Bei Jing\n");
        assert_eq!(to_ascii("北京, Hà Nội"), "Bei Jing, Ha Noi");
        assert_eq!(to_ascii("北京x"), "Bei Jing x");
        assert_eq!(to_ascii("👍🏽"), "+1");
        // An emoji's English name is no part of a Vietnamese caption.
        assert_eq!(to_ascii("🎉"), "");
        assert_eq!(to_ascii("ß æ ø Ł œ"), "ss ae o L oe");
        // Unassigned / private-use code points are unknown to deunicode.
        assert_eq!(to_ascii("a\u{E000}b"), "a?b");
        assert_eq!(to_ascii("\u{FFFD}"), "?");
        // A CJK compatibility ideograph folds like its canonical equivalent.
        assert_eq!(
            to_ascii("\u{F9E9}"),
            to_ascii("\u{F9E9}".nfc().collect::<String>().as_str())
        );
        assert_eq!(to_ascii("\u{212A}"), "K");
    }

    #[test]
    fn caption_and_slug_edges() {
        assert_eq!(
            ascii_caption("  Ban Bí thư  ", 12),
            "  Ban Bi thu hinh anh 12"
        );
        assert_eq!(ascii_caption("", 2), "hinh anh 2");
        assert_eq!(slug("  --Hà Nội, 22/1/2019!  "), "ha-noi-22-1-2019");
        assert_eq!(slug("Vietnam’s"), "vietnam-s");
        assert_eq!(slug("—…"), "");
    }

    /// The fold of `s` fed one character at a time: no piece is long
    /// enough for the eight-byte steps, so this is the per-character path.
    fn one_character_at_a_time(s: &str) -> Vec<u8> {
        let mut folder = Folder::new();
        let mut out = Vec::new();
        for (i, c) in s.char_indices() {
            folder.fold(&s[i..i + c.len_utf8()], &mut out);
        }
        folder.finish(&mut out);
        out
    }

    #[test]
    fn every_bmp_character_folds_alike_in_the_eight_byte_steps() {
        // Each character of the Basic Multilingual Plane at every offset of
        // an eight-byte step, with enough text after it for the step to run.
        for cp in 0x80..0x10000u32 {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            for lead in 0..8 {
                let text = format!("{}{c}abcdefgh", &"xyzxyzxy"[..lead]);
                assert_eq!(
                    to_ascii(&text).as_bytes(),
                    &one_character_at_a_time(&text)[..],
                    "U+{cp:04X} after {lead} bytes"
                );
            }
        }
    }

    fn stream(bytes: &[u8], cuts: &[usize], lossy: bool) -> Result<Vec<u8>, InvalidUtf8> {
        let mut s = StreamFolder::new(lossy);
        let mut out = Vec::new();
        let mut last = 0;
        for &cut in cuts {
            s.feed(&bytes[last..cut], &mut out)?;
            last = cut;
        }
        s.feed(&bytes[last..], &mut out)?;
        s.finish(&mut out)?;
        Ok(out)
    }

    #[test]
    fn streaming_every_single_split() {
        let text = "Đảng ủy\nVie\u{323}\u{302}t 北京 👍🏽 x\r\n";
        let want = to_ascii(text).into_bytes();
        for cut in 0..=text.len() {
            assert_eq!(
                stream(text.as_bytes(), &[cut], false).unwrap(),
                want,
                "cut {cut}"
            );
        }
        for a in 0..=text.len() {
            for b in a..=text.len() {
                assert_eq!(stream(text.as_bytes(), &[a, b], false).unwrap(), want);
            }
        }
    }

    #[test]
    fn invalid_utf8_offsets_and_lossy() {
        let bytes = b"ab\xC3\xA9c\xFFd";
        for cut in 0..=bytes.len() {
            assert_eq!(stream(bytes, &[cut], false), Err(InvalidUtf8 { offset: 5 }));
            assert_eq!(stream(bytes, &[cut], true).unwrap(), b"abec?d");
        }
        // Truncated at the end of the stream.
        assert_eq!(
            stream(b"ab\xE1\xBA", &[], false),
            Err(InvalidUtf8 { offset: 2 })
        );
        assert_eq!(stream(b"ab\xE1\xBA", &[3], true).unwrap(), b"ab?");
        // A bad continuation inside a carried sequence, split at every point.
        let bytes = b"x\xE1\xBAy\xC3\xA0";
        for cut in 0..=bytes.len() {
            assert_eq!(
                stream(bytes, &[cut], false),
                Err(InvalidUtf8 { offset: 1 }),
                "{cut}"
            );
            assert_eq!(stream(bytes, &[cut], true).unwrap(), b"x?ya", "{cut}");
        }
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// Text that looks like scraped Vietnamese news: Vietnamese letters in
        /// every normal form, stray combining marks, ASCII controls, typographic
        /// punctuation, other scripts and emoji, and any other scalar value.
        fn newsy_text() -> impl Strategy<Value = String> {
            let piece = prop_oneof![
                4 => proptest::sample::select(
                    "ĐđảủyÔôơƯưệẶặẫỹÝờ Hà Nội TP.HCM 44-KL/TW\n\t\r".chars().collect::<Vec<_>>()
                ).prop_map(String::from),
                2 => proptest::sample::select(vec![
                    "\u{300}", "\u{301}", "\u{303}", "\u{309}", "\u{323}", "\u{302}", "\u{306}",
                    "\u{31B}", "\u{341}", "“", "”", "…", "—", "–", "\u{A0}", "\u{200B}", "\u{FEFF}",
                    "₫", "北京", "👍🏽", "🎉", "Москва", "\u{0}", "\u{7F}",
                ]).prop_map(String::from),
                // Any character, except the few whose NFD marks carry sound (kana
                // voicing, Hangul jamo): the documented limit of NFC/NFD agreement.
                1 => any::<char>().prop_map(|c| {
                    let nfd: String = c.to_string().nfd().collect();
                    if nfd.chars().skip(1).all(|m| ('\u{0300}'..='\u{036F}').contains(&m)) {
                        String::from(c)
                    } else {
                        String::from("x")
                    }
                }),
            ];
            proptest::collection::vec(piece, 0..40).prop_map(|v| v.concat())
        }

        /// Vietnamese letters (every one of the 134, precomposed or as base
        /// and marks) between ASCII runs of every length, with stray marks,
        /// multi-letter and vanishing mappings, and any scalar value
        /// (4-byte ones included).
        fn vietnamese_mix() -> impl Strategy<Value = String> {
            let letters: Vec<String> = vietnamese_letters()
                .into_iter()
                .flat_map(|(c, _)| [c.to_string(), c.to_string().nfd().collect()])
                .collect();
            let piece = prop_oneof![
                6 => proptest::sample::select(letters),
                6 => "[ -~\n]{0,12}",
                1 => proptest::sample::select(vec![
                    "\u{300}", "\u{323}", "\u{302}", "\u{31B}", "“", "—", "\u{A0}",
                    "\u{200B}", "北京", "👍🏽", "⚽", "₫", "£", "ß", "≠",
                ]).prop_map(String::from),
                1 => any::<char>().prop_map(String::from),
            ];
            proptest::collection::vec(piece, 0..60).prop_map(|v| v.concat())
        }

        /// The LF and CR bytes of `b`.
        fn breaks(b: &[u8]) -> Vec<u8> {
            b.iter()
                .copied()
                .filter(|&c| c == b'\n' || c == b'\r')
                .collect()
        }

        proptest! {
            /// Any code point, alone or in text: the fold adds and removes
            /// no LF or CR (U+2028 used to become `\n`, U+2029 `\n\n`).
            #[test]
            fn no_line_break_is_added_or_removed(
                cs in proptest::collection::vec(any::<char>(), 0..24),
                seps in proptest::collection::vec(proptest::sample::select(vec![
                    '\u{85}', '\u{2028}', '\u{2029}', '\u{B}', '\u{C}', '\n', '\r', '北', 'ệ',
                ]), 0..8),
            ) {
                let s: String = cs.iter().chain(&seps).collect();
                prop_assert_eq!(breaks(to_ascii(&s).as_bytes()), breaks(s.as_bytes()));
                prop_assert_eq!(
                    breaks(&stream(s.as_bytes(), &[s.len() / 2], false).unwrap()),
                    breaks(s.as_bytes())
                );
            }

            #[test]
            fn output_is_ascii(s in newsy_text()) {
                prop_assert!(to_ascii(&s).is_ascii());
            }

            #[test]
            fn folding_is_idempotent(s in newsy_text()) {
                let once = to_ascii(&s);
                prop_assert_eq!(to_ascii(&once), once);
            }

            #[test]
            fn ascii_input_is_unchanged(s in "[\\x00-\\x7F]{0,80}") {
                prop_assert_eq!(to_ascii(&s), s);
            }

            #[test]
            fn nfc_and_nfd_agree(s in newsy_text()) {
                let nfc: String = s.nfc().collect();
                let nfd: String = s.nfd().collect();
                prop_assert_eq!(to_ascii(&nfc), to_ascii(&nfd));
                prop_assert_eq!(to_ascii(&nfc), to_ascii(&s));
            }

            #[test]
            fn streaming_equals_whole(s in newsy_text(), cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..6)) {
                let mut cuts: Vec<usize> = cuts.iter().map(|i| i.index(s.len() + 1)).collect();
                cuts.sort_unstable();
                prop_assert_eq!(stream(s.as_bytes(), &cuts, false).unwrap(), to_ascii(&s).into_bytes());
            }

            #[test]
            fn streaming_every_split_point(s in newsy_text()) {
                let want = to_ascii(&s).into_bytes();
                for cut in 0..=s.len() {
                    prop_assert_eq!(stream(s.as_bytes(), &[cut], false).unwrap(), want.clone());
                }
            }

            /// Fed one character at a time, no piece is long enough for the
            /// eight-byte ASCII step: the whole-text fold must agree with it.
            #[test]
            fn eight_byte_steps_equal_one_character_at_a_time(s in newsy_text(), ascii in "[ -~]{0,20}") {
                let s = format!("{ascii}{s}{ascii}");
                prop_assert_eq!(to_ascii(&s).into_bytes(), one_character_at_a_time(&s));
            }

            /// The hot loop (eight-byte ASCII steps, letters from the table)
            /// writes what the per-character fold writes, on Vietnamese in
            /// NFC and NFD mixed with any Unicode, also when appending to
            /// output already in the buffer.
            #[test]
            fn long_texts_equal_one_character_at_a_time(s in vietnamese_mix()) {
                let nfc: String = s.nfc().collect();
                let nfd: String = s.nfd().collect();
                for text in [&s, &nfc, &nfd] {
                    let want = one_character_at_a_time(text);
                    prop_assert_eq!(to_ascii(text).into_bytes(), want.clone());
                    let mut out = b"before ".to_vec();
                    let mut folder = Folder::new();
                    folder.fold(text, &mut out);
                    folder.finish(&mut out);
                    prop_assert_eq!(&out[..7], b"before ");
                    prop_assert_eq!(&out[7..], &want[..]);
                }
            }

            #[test]
            fn lossy_stream_equals_lossy_decode(bytes in proptest::collection::vec(any::<u8>(), 0..64), cut in any::<prop::sample::Index>()) {
                let cut = cut.index(bytes.len() + 1);
                let want = to_ascii(&String::from_utf8_lossy(&bytes)).into_bytes();
                prop_assert_eq!(stream(&bytes, &[cut], true).unwrap(), want);
            }
        }
    }
}
