"""Specification of index.normalise: fold, numerals, script, language, Cantonese, tokens."""
from pathlib import Path

import pytest

from index.normalise import (
    cantonese_to_written,
    chinese_number,
    detect_lang,
    fold,
    fold_numerals,
    to_simplified,
    to_traditional,
)
from index.tokenise import tokens

REPORT = Path(__file__).resolve().parent.parent / "data" / "reports" / "cb2-1292-2025.zh-Hant.txt"


pytestmark = pytest.mark.usefixtures("project_cache_in_tmp")


# ---------------------------------------------------------------- fold: script and vocabulary


@pytest.mark.parametrize("mainland, report_form", [
    ("人工智能", "人工智能"),
    ("数据", "數據"),
    ("无人机", "無人機"),
    ("应用程序", "應用程式"),
    ("信息", "資訊"),
    ("网络安全", "網絡安全"),
    ("软件", "軟件"),
    ("视频", "影片"),
    ("隐私", "私隱"),
    ("老年人", "長者"),
    ("数字鸿沟", "數碼鴻溝"),
    ("人工智能超算中心的算力", "人工智能超算中心的算力"),
    ("医健通", "醫健通"),
    ("数字政策办公室", "數字政策辦公室"),
    ("粤港澳大湾区", "粵港澳大灣區"),
])
def test_simplified_mainland_words_fold_to_the_reports_words(mainland, report_form):
    assert fold(mainland) == fold(report_form) == report_form


@pytest.mark.parametrize("taiwan, report_form", [
    ("人工智慧", "人工智能"),
    ("軟體", "軟件"),
    ("網路安全", "網絡安全"),
])
def test_taiwan_words_fold_to_the_reports_words(taiwan, report_form):
    assert fold(taiwan) == report_form


def test_phrase_table_protects_longer_phrases():
    assert fold("殘疾人士") == "殘疾人士"
    assert fold("残疾人") == "殘疾人士"
    assert fold("个人信息") == "個人資料"


def test_opencc_slip_on_this_system_is_undone():
    assert fold("開放此系統供公眾使用") == "開放此系統供公眾使用"


def test_fold_is_idempotent_on_the_report():
    once = fold(REPORT.read_text(encoding="utf-8"))
    assert fold(once) == once


# ---------------------------------------------------------------- fold: width, case, spaces, superscripts


@pytest.mark.parametrize("text, expected", [
    ("１５ ０００", "15000"),
    ("１５　０００", "15000"),  # ideographic space
    ("15 000 PFLOPS", "15000 pflops"),
    ("1 100項", "1100項"),
    ("15 000 000", "15000000"),
    ("2025 年 3 月", "2025 年 3 月"),  # not a thousands group
    ("第11及 12段", "第11及 12段"),
    ("ＡＩ", "ai"),
    ("HA Go", "ha go"),
    ("CB(2)1292/2025", "cb(2)1292/2025"),
    ("第６７（５）段", "第67(5)段"),
    ("智方便，醫健通。", "智方便，醫健通。"),  # Chinese punctuation stays
    ("「智方便」：是？！；", "「智方便」：是？！；"),
    ("數字辦。² 政府", "數字辦。 政府"),
    ("服務¹²³", "服務"),
])
def test_fold_width_case_spaces_and_superscripts(text, expected):
    assert fold(text) == expected


# ---------------------------------------------------------------- numerals


@pytest.mark.parametrize("text, expected", [
    ("第十五段", "第15段"),
    ("第六十七(五)段", "第67(5)段"),
    ("第67(五)段", "第67(5)段"),
    ("第一百段", "第100段"),
    ("第二十一條", "第21條"),
    ("第一階段", "第1階段"),
    ("二零二四年", "2024年"),
    ("二〇二五年三月十九日", "2025年3月19日"),
    ("十二月三十一日", "12月31日"),
    ("一月一日", "1月1日"),
    ("舉行了九次會議", "舉行了9次會議"),
    ("十四位委員", "14位委員"),
    ("三百四十萬", "340萬"),
    ("一千一百項", "1100項"),
    ("一萬五千", "15000"),
    ("三千五", "3500"),
    ("十五", "15"),
    ("二十四小時", "24小時"),
    ("十分鐘", "10分鐘"),
    ("兩年", "2年"),
])
def test_numerals_in_number_contexts_become_arabic(text, expected):
    assert fold_numerals(text) == expected


@pytest.mark.parametrize("text", [
    "十分", "一站式", "一網通辦", "一體化", "一系列", "之一", "統一年度", "唯一一個",
    "第一時間", "七八個", "兩三個", "百年", "千萬", "萬一", "十一五規劃", "一五一十",
    "一部分",
])
def test_words_containing_numerals_are_unchanged(text):
    assert fold_numerals(text) == text


@pytest.mark.parametrize("run, value", [
    ("六十七", 67), ("十", 10), ("十五", 15), ("一百零五", 105), ("一千零十", 1010),
    ("三百四十", 340), ("一萬五千", 15000), ("一萬五", 15000), ("兩百五", 250),
    ("零", 0), ("一五一十", None), ("七八", None), ("百十", None), ("千千", None),
])
def test_chinese_number(run, value):
    assert chinese_number(run) == value


# ---------------------------------------------------------------- script helpers


def test_to_traditional_and_to_simplified_round_trip():
    assert to_traditional("数字政策办公室") == "數字政策辦公室"
    assert to_simplified("數字政策辦公室") == "数字政策办公室"


# ---------------------------------------------------------------- language


@pytest.mark.parametrize("text, lang", [
    ("What is iAM Smart?", "en"),
    ("How much computing power will Hong Kong need by 2030?", "en"),
    ("What does 智方便 do?", "en"),
    ("點樣用智方便？", "yue"),
    ("智方便係咩嚟㗎", "yue"),
    ("HA Go 係乜", "yue"),
    ("政府有冇計劃喺河套區搞自動駕駛？", "yue"),
    ("佢哋點解唔開放港文通", "yue"),
    ("政府如何推动数字政府建设？", "zh-Hans"),
    ("无人机可以用来评估山泥倾泻风险吗", "zh-Hans"),
    ("数据共享", "zh-Hans"),
    ("政府如何推動數字政府建設？", "zh-Hant"),
    ("醫健通與HA Go的關係是甚麼？", "zh-Hant"),  # 係 inside 關係 is not Cantonese
    ("人工智能", "zh-Hant"),  # same in both scripts
])
def test_detect_lang(text, lang):
    assert detect_lang(text) == lang


# ---------------------------------------------------------------- Cantonese


@pytest.mark.parametrize("colloquial, written", [
    ("智方便係咩", "智方便是甚麼"),
    ("點樣用醫健通睇病歷", "怎樣用醫健通看病歷"),
    ("有冇計劃", "有沒有計劃"),
    ("冇人用", "沒有人用"),
    ("佢哋喺邊度", "他們在哪裏"),
    ("而家有幾多人用智方便", "現在有多少人用智方便"),
    ("邊個負責", "誰負責"),
    ("搵唔到啲資料", "找不到些資料"),
    ("政府做咗乜嘢", "政府做了甚麼"),
    ("畀市民用", "給市民用"),
    ("係咪真㗎", "是不是真"),
    ("兩者嘅關係", "兩者的關係"),  # 關係 keeps its 係
    ("政府如何推動數字政府建設", "政府如何推動數字政府建設"),  # written Chinese unchanged
    ("周邊地區", "周邊地區"),
])
def test_cantonese_to_written(colloquial, written):
    assert cantonese_to_written(colloquial) == written


def test_cantonese_then_fold_meets_the_report():
    assert fold(cantonese_to_written("超算中心嘅算力夠唔夠")) == "超算中心的算力夠不夠"


# ---------------------------------------------------------------- tokens


def test_tokens_split_latin_numbers_and_cjk_runs():
    assert tokens("HA Go 有１５ ０００次") == ["ha", "go", "有", "15000", "次"]


def test_tokens_keep_glossary_words_whole():
    for word in ["智方便", "醫健通", "超算中心", "數字辦"]:
        assert word in tokens(f"市民使用{word}的情況")


def test_tokens_include_bigrams_and_jieba_words():
    toks = tokens("土木工程拓展署推出系統")
    assert {"土木工程拓展署", "工程", "拓展", "系統"} <= set(toks)  # jieba words (search mode)
    assert {"署推", "程拓"} <= set(toks)  # bigrams
    assert "署" not in toks  # single characters are carried by bigrams


def test_tokens_match_across_scripts_and_numerals():
    assert set(tokens("无人机数据")) == set(tokens("無人機數據"))
    assert "15" in tokens("第十五段") and "15" in tokens("第15段")
    assert "2.0" in tokens("藍圖2.0")


def test_tokens_drop_punctuation():
    assert tokens("“智方便”，。！") == tokens("智方便")


def test_caches_go_to_the_project_cache(tmp_path, monkeypatch):
    from index.defaults import cache_dir

    monkeypatch.setenv("LEGCO_RAG_CACHE", str(tmp_path))
    assert cache_dir() == tmp_path
