"""Name normalisation shared by duplicate detection: Latin, Arabic and Persian script."""

import re
import unicodedata

# Arabic/Persian letters written in several ways that people read as the same letter.
_ARABIC_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ی": "ي",  # Persian yeh
        "ئ": "ي",
        "ؤ": "و",
        "ة": "ه",
        "ک": "ك",  # Persian keheh
        "ـ": "",  # tatweel (kashida), only stretches the line
        "\u200c": " ",  # zero-width non-joiner, common in Persian
        "٠": "0",
        "١": "1",
        "٢": "2",
        "٣": "3",
        "٤": "4",
        "٥": "5",
        "٦": "6",
        "٧": "7",
        "٨": "8",
        "٩": "9",
    }
)

# Legal forms that say nothing about which customer it is.
_LEGAL_FORMS = {
    "co",
    "company",
    "corp",
    "inc",
    "ltd",
    "llc",
    "plc",
    "gmbh",
    "sa",
    "sarl",
    "bv",
    "srl",
    "the",
    "شركه",
    "مؤسسه",
    "موسسه",
    "ش.م.م",
}


def normalize_name(name):
    """Lower-case, fold script variants, drop diacritics, punctuation and legal forms."""
    if not name:
        return ""
    text = unicodedata.normalize("NFKC", name).translate(_ARABIC_FOLD)
    text = unicodedata.normalize("NFKD", text)
    # Drop combining marks: Latin accents and Arabic harakat, shadda, sukun, superscript alef.
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.casefold()
    text = re.sub(r"[^\w\s]", " ", text)
    words = [w for w in text.split() if w not in _LEGAL_FORMS]
    return " ".join(words)


def normalize_vat(vat):
    return re.sub(r"[^0-9A-Za-z]", "", vat or "").upper() or False
