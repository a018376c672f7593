"""Check that every addon's Arabic, Persian and Thai translations are complete and safe.

For each addons/<addon>/i18n/<addon>.pot and its <lang>.po files, a problem is:
- a message of the template missing from the .po file, or left untranslated, or fuzzy;
- a translation whose placeholders differ from its message's: printf-style (%s, %(name)s),
  format fields ({0}, {name}), inline templates ({{ expr }}), QWeb directives
  (t-out="...", t-esc, t-att-*, t-if ...) and the HTML tags used.
A placeholder that differs breaks a mail or a screen at run time (a KeyError in a message, an
empty field in a customer's mail), so it is reported like a missing translation.

Usage: python3 scripts/check_i18n.py [--langs "ar fa th"] [ADDONS_DIR]
Prints one line per problem and a summary; exits 1 when there is any problem.
"""

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

PRINTF = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]")
FORMAT = re.compile(r"(?<!\{)\{[A-Za-z0-9_.]*\}(?!\})")
INLINE = re.compile(r"\{\{.*?\}\}", re.S)
QWEB = re.compile(r"""\bt-[a-z-]+(?:-[a-z_]+)*=(?:"[^"]*"|'[^']*')""")
TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)")


def unquote(text):
    """Body of a PO string literal."""
    out = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append({"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}.get(nxt, "\\" + nxt))
            i += 2
        else:
            out.append(char)
            i += 1
    return "".join(out)


def parse_po(path):
    """[(msgctxt, msgid, msgstr, flags, is_obsolete)] of a PO file, the header left out."""
    entries = []
    current = None
    field = None

    def flush():
        if current and current.get("msgid") is not None and current["msgid"] != "":
            entries.append(current)

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            continue
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
        if line.startswith("#,"):
            if current is not None and "msgid" in current:
                flush()
                current = None
            current = current or {"flags": set(), "obsolete": obsolete}
            current["flags"] |= {f.strip() for f in line[2:].split(",")}
            continue
        if line.startswith("#"):
            if current is not None and "msgid" in current:
                flush()
                current = None
            continue
        keyword, _, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid", "msgid_plural") or keyword.startswith("msgstr"):
            if keyword in ("msgctxt", "msgid") and current is not None and "msgid" in current:
                flush()
                current = None
            current = current or {"flags": set(), "obsolete": obsolete}
            current["obsolete"] = current["obsolete"] or obsolete
            field = "msgstr" if keyword.startswith("msgstr") else keyword
            current[field] = current.get(field, "") + unquote(rest.strip()[1:-1])
        elif line.startswith('"') and current is not None and field:
            current[field] += unquote(line[1:-1])
    flush()
    return [(e.get("msgctxt"), e["msgid"], e.get("msgstr", ""), e["flags"], e["obsolete"]) for e in entries]


def placeholders(text):
    return Counter(
        [*PRINTF.findall(text), *FORMAT.findall(text), *INLINE.findall(text), *QWEB.findall(text)]
        + ["<" + tag.lower() for tag in TAG.findall(text)]
    )


def check_po(pot_path, po_path):
    problems = []
    template = {(ctx, msgid) for ctx, msgid, _s, _f, obsolete in parse_po(pot_path) if not obsolete}
    translations = {}
    for ctx, msgid, msgstr, flags, obsolete in parse_po(po_path):
        if not obsolete:
            translations[(ctx, msgid)] = (msgstr, flags)
    for key in sorted(template, key=lambda k: (k[0] or "", k[1])):
        msgid = key[1]
        short = msgid.replace("\n", " ")[:70]
        if key not in translations:
            problems.append(f"missing: {short!r}")
            continue
        msgstr, flags = translations[key]
        if "fuzzy" in flags:
            problems.append(f"fuzzy: {short!r}")
        elif not msgstr:
            problems.append(f"untranslated: {short!r}")
        elif placeholders(msgid) != placeholders(msgstr):
            expected, found = placeholders(msgid), placeholders(msgstr)
            diff = sorted((expected - found).elements()) + [
                f"+{p}" for p in sorted((found - expected).elements())
            ]
            problems.append(f"placeholders differ {diff}: {short!r}")
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "addons_dir", nargs="?", default=str(Path(__file__).resolve().parent.parent / "addons")
    )
    parser.add_argument("--langs", default="ar fa th")
    args = parser.parse_args(argv)
    total = 0
    checked = 0
    for manifest in sorted(Path(args.addons_dir).glob("*/__manifest__.py")):
        addon = manifest.parent
        pot = addon / "i18n" / f"{addon.name}.pot"
        if not pot.exists():
            print(f"{addon.name}: no i18n/{addon.name}.pot (run scripts/i18n --addon {addon.name})")
            total += 1
            continue
        for lang in args.langs.split():
            po = addon / "i18n" / f"{lang}.po"
            if not po.exists():
                print(f"{addon.name}/{lang}.po: missing file")
                total += 1
                continue
            checked += 1
            problems = check_po(pot, po)
            for problem in problems:
                print(f"{addon.name}/{lang}.po: {problem}")
            total += len(problems)
    print(f"translations: {checked} files checked, {total} problem(s)")
    return 1 if total or not checked else 0


if __name__ == "__main__":
    sys.exit(main())
