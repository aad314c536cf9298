"""Specification of index.glossary: loading, finding and expanding English and variant names."""
import pytest

from index import glossary
from index.glossary import Term, expand, find, load, terms_zh


pytestmark = pytest.mark.usefixtures("project_cache_in_tmp")


def test_bundled_glossary_loads_with_unique_chinese_terms():
    terms = load()
    assert len(terms) >= 120
    zh = [t.zh for t in terms]
    assert len(zh) == len(set(zh))
    assert Term("智方便", "iAM Smart", ("iAMSmart", "i am smart", "iAM Smart app", "iAM Smart+")) in terms


@pytest.mark.parametrize("zh, en", [
    ("數字政策辦公室", "Digital Policy Office"),
    ("醫院管理局", "Hospital Authority"),
    ("土木工程拓展署", "Civil Engineering and Development Department"),
    ("香港出行易", "HKeMobility"),
    ("人工智能超算中心", "Artificial Intelligence Supercomputing Centre"),
    ("電子健康紀錄互通系統條例", "Electronic Health Record Sharing System Ordinance"),
])
def test_official_english_names(zh, en):
    assert {t.zh: t.en for t in load()}[zh] == en


@pytest.mark.parametrize("query, appended", [
    ("How many iAM Smart users?", ["智方便", "登記用戶"]),
    ("iamsmart", ["智方便"]),
    ("I-AM-SMART", ["智方便"]),
    ("e-health app", ["醫健通", "流動應用程式"]),
    ("eHealth", ["醫健通"]),
    ("AI", ["人工智能"]),
    ("AI-powered diagnosis", ["人工智能"]),
    ("用AI做乜", ["人工智能"]),
    ("generative AI", ["生成式人工智能"]),  # longest match, not also 人工智能
    ("AI supercomputing center", ["人工智能超算中心"]),  # US spelling
    ("What did the DPO say about drones and landslides?", ["數字政策辦公室", "無人機", "山泥傾瀉"]),
    ("Hospital Authority", ["醫院管理局"]),
    ("HA Go and the Hospital Authority", ["醫院管理局"]),  # HA Go is already in the query
    ("Lok Ma Chau Loop", ["落馬洲河套區"]),
    ("Smart City Blueprint 2.0", ["香港智慧城市藍圖2.0"]),
    ("Smart City Blueprint", ["香港智慧城市藍圖"]),
    ("Cap. 625", ["電子健康紀錄互通系統條例"]),
    ("GREEN$", ["綠綠賞"]),
    ("self-driving cars", ["自動駕駛車輛"]),
    ("elderly people", ["長者"]),
    ("digital infrastructure", ["數字基礎建設", "數碼基建"]),  # one name, two report words
    ("数字办", ["數字政策辦公室"]),  # Simplified short form
    ("醫管局", ["醫院管理局"]),
    ("智算中心", ["人工智能超算中心"]),  # mainland word
    ("山体滑坡", ["山泥傾瀉"]),
])
def test_expand_appends_the_reports_chinese_terms(query, appended):
    assert expand(query) == " ".join([query, *appended])


@pytest.mark.parametrize("query", [
    "AIR",  # AI inside a word
    "AIRPORT",
    "paid maintenance",
    "HAS it passed?",
    "standard",
    "智方便",  # already the report's term
    "醫院管理局",
    "",
])
def test_expand_leaves_queries_without_other_names_unchanged(query):
    assert expand(query) == query


def test_find_returns_terms_in_order_without_repeats():
    found = find("iAM Smart, AI and iamsmart")
    assert [t.zh for t in found] == ["智方便", "人工智能"]


def test_terms_zh_lists_chinese_words_only():
    words = terms_zh()
    assert {"智方便", "醫健通", "超算中心", "數字辦", "醫管局"} <= set(words)
    assert "HA Go" not in words and "iAM Smart" not in words


def test_custom_glossary_file(tmp_path):
    path = tmp_path / "g.tsv"
    path.write_text("# comment\nzh\ten\taliases\n智方便\tiAM Smart\tIAS\n", encoding="utf-8")
    terms = load(path)
    assert terms == (Term("智方便", "iAM Smart", ("IAS",)),)
    assert expand("ias login", terms) == "ias login 智方便"
    assert terms_zh(terms) == ["智方便"]


@pytest.mark.parametrize("text, message", [
    ("zh\ten\n", "header"),
    ("zh\ten\taliases\n智方便\tiAM Smart\n", ":2: expected zh<TAB>en<TAB>aliases"),
    ("zh\ten\taliases\n\tiAM Smart\t\n", ":2:"),
])
def test_malformed_glossary_names_file_line_and_fix(tmp_path, text, message):
    path = tmp_path / "bad.tsv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        glossary.load(path)


def test_empty_glossary_expands_nothing():
    assert expand("iAM Smart", ()) == "iAM Smart"


def test_compiled_matcher_finds_what_the_lazy_one_finds():
    terms = (Term("智方便", "iAM Smart", ("iamsmart",)), Term("醫院管理局", "Hospital Authority", ("HA",)),
             Term("人工智能", "artificial intelligence", ("AI",)))
    lazy, compiled = glossary.matcher.__wrapped__(terms), glossary.matcher.__wrapped__(terms)  # two, uncached
    compiled.compile_all()
    assert set(compiled._groups) == {"i", "h", "a"}  # the first character of each English name and alias
    text = "iam smart and the hospital authority use ai; has"
    assert list(compiled.finditer(text)) == list(lazy.finditer(text))
    assert [t.zh for _, _, named in compiled.finditer(text) for t in named] == ["智方便", "醫院管理局", "人工智能"]


def test_a_server_warm_up_compiles_every_matcher_made_before_it_and_after(monkeypatch):
    import weakref

    monkeypatch.setattr(glossary, "_made", weakref.WeakSet())
    monkeypatch.setattr(glossary, "_compile_whole", [False])
    before = glossary.matcher.__wrapped__((Term("智方便", "iAM Smart", ("iamsmart",)),))
    assert not before._groups  # compiled on first use only
    glossary.compile_all_matchers()
    after = glossary.matcher.__wrapped__((Term("醫院管理局", "Hospital Authority", ("HA", "醫管局")),))
    assert set(before._groups) == {"i"} and set(after._groups) == {"h", "醫"}
