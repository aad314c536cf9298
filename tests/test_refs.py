"""The small parsers for footnote markers, cross-references and markdown residue."""
import pytest

from ingest.refs import cross_refs, footnote_markers, strip_footnote_markers, strip_markdown


@pytest.mark.parametrize("text, expected", [
    ("服務平台，¹ 當局於2024年7月設立數字辦，以期推動願景。² 政府亦積極", ("fn1", "fn2")),
    ("聯動式燈控路口⁸試點安裝系統", ("fn8",)),
    ("第十個註腳¹⁰，第十二個¹²", ("fn10", "fn12")),
    ("同一註腳¹ 再次出現¹", ("fn1",)),
    ("(i.e. 10^{15}) per second", ()),
    ("an area of 2 000 m² and 5 km²", ()),
    ("the programme² was", ("fn2",)),
    ("沒有註腳", ()),
])
def test_footnote_markers(text, expected):
    assert footnote_markers(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("服務平台，¹ 當局於2024年", "服務平台，當局於2024年"),
    ("的算力。⁶ 首5 000 PFLOPS的", "的算力。首5 000 PFLOPS的"),
    ("聯動式燈控路口⁸試點", "聯動式燈控路口試點"),
    ("the end.³ Next sentence", "the end. Next sentence"),
    ("2 000 m² of land", "2 000 m² of land"),
])
def test_strip_footnote_markers_keeps_the_text_readable(text, expected):
    assert strip_footnote_markers(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("(參閱上文第11段)；", ("11",)),
    ("(參閱上文第47及49段)；", ("47", "49")),
    ("(參閱上文第62及65段)。", ("62", "65")),
    ("第3、5至7段", ("3", "5", "6", "7")),
    ("第67(5)段", ("67(5)",)),
    ("第67(1)至(3)段", ("67(1)", "67(2)", "67(3)")),
    ("第66(a)至(c)段", ("66(a)", "66(b)", "66(c)")),
    ("第8段及第9(a)段", ("8", "9(a)")),
    ("第 3 段", ("3",)),
    ("分別載於附錄1及2", ("appendix1", "appendix2")),
    ("see paragraphs 47 and 49", ("47", "49")),
    ("(para. 11)", ("11",)),
    ("paras. 5 to 7", ("5", "6", "7")),
    ("in Appendix 2", ("appendix2",)),
    ("《電子健康紀錄互通系統條例》(第625章)", ()),
    ("在亞洲城市中則排名第6。", ()),
    ("未來5至10年", ()),
])
def test_cross_refs(text, expected):
    assert cross_refs(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("《[香港智慧城市藍圖](#)》", "《香港智慧城市藍圖》"),
    ("《[海濱發展藍圖](https://example.org/a)》", "《海濱發展藍圖》"),
    ("**6個智慧範疇**，即", "6個智慧範疇，即"),
    ("(“**《條例草案》**”)", "(“《條例草案》”)"),
    ("善用科技及**", "善用科技及"),
    ("no markup here", "no markup here"),
])
def test_strip_markdown_keeps_the_words(text, expected):
    assert strip_markdown(text) == expected


def test_latex_exponent_braces_are_removed_keeping_the_number():
    assert strip_markdown("(i.e. 10^{15}) per second") == "(i.e. 10^15) per second"
