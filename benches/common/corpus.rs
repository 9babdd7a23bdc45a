//! Benchmark corpora built at run time from the shipped example article (no
//! corpus is committed): its paragraphs shuffled with a fixed seed and
//! repeated to the requested size, blank lines between them.

/// Vietnamese news-style text of at least `min_bytes` bytes.
pub fn vietnamese_text(min_bytes: usize) -> String {
    let article = include_str!("../../examples/bai-bao-mau.txt");
    let paragraphs: Vec<&str> = article
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let mut out = String::with_capacity(min_bytes + 4096);
    // xorshift64*, fixed seed: the same corpus on every run.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    while out.len() < min_bytes {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        let r = state.wrapping_mul(0x2545_F491_4F6C_DD1D);
        out.push_str(paragraphs[(r % paragraphs.len() as u64) as usize]);
        out.push_str("\n\n");
    }
    out
}
