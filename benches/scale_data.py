#!/usr/bin/env python3
"""Data for the scale benchmarks (benches/scale-*.sh), generated at run time
from the shipped example article with fixed seeds: the same bytes on every run.

  scale_data.py glossary N OUT   N entries of 2-4 syllables, unique after case
                                 folding: real n-grams of the article (so that
                                 text has hits), the rest synthetic Vietnamese;
                                 80 % in [terms], 20 % as [[entry]] tables
  scale_data.py news MB OUT      news text: the article's paragraphs shuffled,
                                 blank lines between them, >= MB * 10^6 bytes
  scale_data.py line MB OUT      the same paragraphs joined by spaces: one line
  scale_data.py kl MB OUT        `Kết luận số 7 KL ` repeated on one line (a
                                 pattern's words whose slot does not parse)
"""
import random
import sys
import unicodedata
from pathlib import Path

ARTICLE = Path(__file__).resolve().parent.parent / "examples" / "bai-bao-mau.txt"


def paragraphs():
    text = ARTICLE.read_text(encoding="utf-8")
    return [p.strip() for p in text.split("\n\n") if p.strip()]


ONSETS = "b c ch d đ g h kh l m n ng nh ph qu s t th tr v x".split()
RHYMES = ("a ai an ang anh ao ăc ăn âm ân ât e em ên êt i iên im inh o oa oan ôi ông ơn "
          "u uân ung ươc ương ưu y").split()
TONES = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]


VOWELS = set("aăâeêioôơuưy")


def syllable(rng):
    rhyme = unicodedata.normalize("NFD", rng.choice(RHYMES))
    base = [c for c in rhyme]
    # The tone mark goes on a vowel: the last one before a final consonant,
    # else the first one.
    idx = [i for i, c in enumerate(base) if unicodedata.normalize("NFC", c) in VOWELS or c in "aeiouy"]
    at = idx[-1] if rhyme[-1] not in "aeiouy\u0302\u0306\u031b" else idx[0]
    while at + 1 < len(base) and unicodedata.combining(base[at + 1]):
        at += 1
    base.insert(at + 1, rng.choice(TONES))
    return unicodedata.normalize("NFC", rng.choice(ONSETS) + "".join(base))


def glossary(n, out):
    rng = random.Random(0x5EED)
    words = [w for w in ARTICLE.read_text(encoding="utf-8").split() if w.isalpha()]
    seen, sources = set(), []

    def add(s):
        k = s.lower()
        if k not in seen:
            seen.add(k)
            sources.append(s)

    tries = 0
    while len(sources) < min(300, n) and tries < 100_000:
        tries += 1
        ln = rng.randint(2, 4)
        i = rng.randrange(len(words) - ln)
        add(" ".join(words[i:i + ln]))
    while len(sources) < n:
        ln = rng.randint(2, 4)
        sylls = [rng.choice(words).lower() if rng.random() < 0.5 else syllable(rng) for _ in range(ln)]
        if rng.random() < 0.4:
            sylls[0] = sylls[0][:1].upper() + sylls[0][1:]
        add(" ".join(sylls))
    rich = set(rng.sample(range(n), n // 5))
    with open(out, "w", encoding="utf-8") as f:
        f.write('[meta]\nsource_lang = "vi"\ntarget_lang = "en"\n\n[terms]\n')
        for i, s in enumerate(sources):
            if i not in rich:
                f.write(f'"{s}" = "T{i}"\n')
        for i, s in enumerate(sources):
            if i in rich:
                f.write(f'\n[[entry]]\nsource = "{s}"\ntarget = "T{i}"\nnote = "generated"\n')


def text(mb, out, sep):
    rng = random.Random(7)
    paras = paragraphs()
    parts, size = [], 0
    while size < mb * 1_000_000:
        p = rng.choice(paras)
        parts.append(p)
        size += len(p.encode()) + len(sep)
    Path(out).write_text(sep.join(parts) + "\n", encoding="utf-8")


def kl(mb, out):
    unit = "Kết luận số 7 KL "
    reps = int(mb * 1_000_000) // len(unit.encode()) + 1
    Path(out).write_text(unit * reps + "\n", encoding="utf-8")


def main():
    what, size, out = sys.argv[1], sys.argv[2], sys.argv[3]
    if what == "glossary":
        glossary(int(size), out)
    elif what == "news":
        text(float(size), out, "\n\n")
    elif what == "line":
        text(float(size), out, " ")
    elif what == "kl":
        kl(float(size), out)
    else:
        sys.exit(f"unknown data set {what}")


if __name__ == "__main__":
    main()
