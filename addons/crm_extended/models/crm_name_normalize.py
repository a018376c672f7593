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


# Arabic-Indic and Persian digits, which phone numbers typed in those locales often use.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def normalize_phone(number, country_phone_code=None):
    """Plain E.164-like form of a phone number, for when Odoo's phone_validation cannot format
    it (the optional `phonenumbers` library is missing): digits only with a leading "+", a
    leading "00" read as the international prefix and a national number (trunk "0" dropped)
    given the country's calling code. Returns False when nothing is left."""
    number = (number or "").translate(_DIGITS).strip()
    plus = number.startswith("+")
    digits = re.sub(r"\D", "", number)
    if not digits:
        return False
    if not plus and digits.startswith("00"):
        digits, plus = digits[2:], True
    if not plus:
        if not country_phone_code:
            return digits
        digits = f"{country_phone_code}{digits.lstrip('0')}"
    return f"+{digits}"
