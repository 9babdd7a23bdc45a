#!/usr/bin/env python3
"""The peer of `songngu glossary find --json` in benches/scale-find.sh: Python
flashtext (pip install flashtext), case-sensitive KeywordProcessor, with the
same glossary (every source and variant of the TOML file, read with tomllib)
on the same text, printing one JSON object per hit (start, end, text, target),
as the whole process: loading included.

Usage: flashtext_find.py GLOSSARY.toml TEXT
"""
import json
import sys
import tomllib

from flashtext import KeywordProcessor


def main():
    glossary, text_path = sys.argv[1], sys.argv[2]
    with open(glossary, "rb") as f:
        doc = tomllib.load(f)
    kp = KeywordProcessor(case_sensitive=True)
    # Letters with diacritics are word characters too (flashtext's default
    # set is ASCII only, which would match inside Vietnamese words).
    kp.set_non_word_boundaries(
        set(kp.non_word_boundaries)
        | {chr(c) for c in range(0xC0, 0x250) if chr(c).isalpha()}
        | {chr(c) for c in range(0x1E00, 0x1F00)}
    )
    for source, value in doc.get("terms", {}).items():
        target = value if isinstance(value, str) else value.get("target", source)
        kp.add_keyword(source, target)
    for e in doc.get("entry", []):
        if e.get("kind", "term") != "term":
            continue
        for form in [e["source"], *e.get("variants", [])]:
            kp.add_keyword(form, e.get("target", e["source"]))
    with open(text_path, encoding="utf-8") as f:
        text = f.read()
    out = sys.stdout
    for target, start, end in kp.extract_keywords(text, span_info=True):
        out.write(json.dumps({"start": start, "end": end, "text": text[start:end], "target": target}, ensure_ascii=False))
        out.write("\n")


if __name__ == "__main__":
    main()
