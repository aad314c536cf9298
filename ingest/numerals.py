"""Chinese numerals read as numbers: one reader for citations (第十五段) and for text folding (三百四十萬)."""
from __future__ import annotations

DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "兩": 2, "三": 3, "四": 4,
          "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
LARGE_UNITS = {"萬": 10**4, "億": 10**8}
NUMERAL_CHARS = "".join(DIGITS) + "".join(SMALL_UNITS) + "".join(LARGE_UNITS)


def chinese_number(run: str) -> int | None:
    """The value of a Chinese numeral, None if ill-formed: "六十七" → 67, "三千五" → 3500, "一五一十" → None."""
    total = section = 0
    digit, unit = None, 0
    small_cap, large_cap = 10**4, 10**12  # units must fall within a section and across sections
    for i, c in enumerate(run):
        prev = run[i - 1] if i else ""
        if c in "〇零":
            if digit is not None:
                return None  # "五零": a digit string, not a positional numeral
            unit = 0
        elif c in DIGITS:
            if digit is not None:
                return None  # two digits in a row: "一五", "七八"
            digit = DIGITS[c]
        elif c in SMALL_UNITS:
            unit = SMALL_UNITS[c]
            if unit >= small_cap:
                return None
            if digit is None:
                if c != "十" or (section and prev not in "〇零"):
                    return None  # a bare 十 only starts a section: 十五, 一千零十
                digit = 1
            section += digit * unit
            digit, small_cap = None, unit
        elif c in LARGE_UNITS:
            unit = LARGE_UNITS[c]
            section += digit or 0
            if unit >= large_cap or section == 0:
                return None
            total += section * unit
            section, digit, small_cap, large_cap = 0, None, 10**4, unit
        else:
            return None
    if digit is not None:
        # A last digit right after 百/千/萬 is the next place down: 三千五 = 3500, 一萬五 = 15000.
        section += digit * (unit // 10 if unit > 10 and prev in "百千萬億" else 1)
    return total + section
