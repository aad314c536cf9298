"""Parsing LegCo reports into passages labelled as the report cites them, and chunking them."""
import re
from pathlib import Path

import pytest

from ingest.chunk import chunk_passages
from ingest.headings import heading_paths
from ingest.parse import load_report, parse_report
from ingest.passage import InputError, Passage
from ingest.read import ReportWarning
from ingest.refs import SUPERSCRIPTS

ROOT = Path(__file__).parent.parent
REPORT = ROOT / "data" / "reports" / "cb2-1292-2025.zh-Hant.txt"
MINI = Path(__file__).parent / "fixtures" / "mini-report.zh-Hant.txt"


@pytest.fixture(scope="module")
def report():
    doc, passages = load_report(REPORT)
    return doc, passages, {p.label: p for p in passages}


@pytest.fixture(scope="module")
def mini():
    doc, passages = load_report(MINI)
    return doc, passages, {p.label: p for p in passages}


# --- the bundled report CB(2)1292/2025 ---------------------------------------------------------

def test_every_label_appears_once_in_reading_order(report):
    _, passages, _ = report
    expected = (
        [str(n) for n in range(1, 66)]
        + ["66", "66(a)", "66(b)", "66(c)", "66(d)", "67"] + [f"67({n})" for n in range(1, 30)] + ["68"]
        + [f"fn{n}" for n in range(1, 10)]
        + ["appendix1", "appendix2"]
    )
    assert [p.label for p in passages] == expected
    assert len(expected) == 112


def test_passages_carry_the_doc_id(report):
    doc, passages, _ = report
    assert doc.doc_id == "CB(2)1292/2025"
    assert {p.doc for p in passages} == {"CB(2)1292/2025"}
    assert len({p.id for p in passages}) == 112


def test_front_matter_and_signature_are_not_passages(report):
    _, passages, _ = report
    text = "\n".join(p.text for p in passages)
    for line in ("Legislative Council", "檔 號", "號文件\n", "內務委員會會議文件", "立法會秘書處", "議會事務部", "2025年6月25日"):
        assert line not in text


def test_unnumbered_text_under_purpose_is_paragraph_1(report):
    _, _, by_label = report
    assert by_label["1"].text == "本文件旨在匯報發展智慧城市事宜小組委員會（“小組委員會”）的商議工作。"
    assert by_label["1"].section == ("目的",)


REJOINED = {
    # paragraph 15 is cut by footnote 6 after "首5 000 PFLOPS的"
    "15": "政府當局表示，超算中心的目的主要是用作支援本地大學、研發機構及企業等提升不同領域的研發能力，推動產業發展。"
          "當局會循序漸進地按業界需求增加算力資源，並確保算力資源的有效分配和使用。"
          "當局委托的顧問預計，香港於2030年將需要約15 000 PFLOPS的算力。首5 000 PFLOPS的"
          "算力設施(包括超算中心)會由政府當局不同項目的撥款資助下投入市場服務，局方希望未來能引入私人界別的參與，"
          "提供餘下市場所需的算力。",
    # paragraph 29 is cut by footnote 7 after "坊間電子醫療管理"
    "29": "政府當局告知，私營醫護提供者參加公私營協作計劃時，須將部分醫療紀錄上載至“醫健通”。"
          "當局會逐步將有關要求推展至所有政府資助醫療計劃，亦計劃修訂《電子健康紀錄互通系統條例》(第625章)，"
          "促進市民個人電子健康紀錄的完整性及可攜性，包括賦權醫務衛生局局長可以要求醫護提供者，"
          "將指定的重要健康數據存入市民的個人“醫健通”戶口。同時，當局會致力加強“醫健通”與坊間電子醫療管理"
          "系統的技術連接，包括與臨床醫療管理系統供應商和醫療專業團體合作改良其系統，便利將市民的健康紀錄存入“醫健通”系統。",
    # paragraph 38 is cut by footnote 8 after "善用科技及"
    "38": "小組委員會肯定政府當局在防治災害及拯救生命方面應用創新技術所取得的工作成果。委員建議當局善用科技及"
          "無人機技術，以評估潛在的山泥傾瀉風險，並公開相關資訊供市民參考及採取預防措施。"
          "同時，當局亦應向相關持份者提供有關數據，以協助解決私人斜坡維修保養方面的爭議。",
    # paragraphs 43, 53 and 61 are cut by a page break alone
    "43": "委員關注目前本地人才培訓及人才引進措施，是否能充分配合智慧城市的發展需求，"
          "特別是創科產業在未來5年將面對人才(特別是中低端人才)短缺的問題。委員促請政府當局"
          "檢討及強化本地培訓措施，以有效應對未來勞動力短缺的挑戰。",
    "53": "委員建議，政府當局應整合並善用各項環境數據以加強自然保育，例如建立非法狩獵瀕危動物黑點的資料庫並利用科技加強相關監測，"
          "以及為“香港環境數據庫”引入人工"
          "智能模型以提升預測的準確度等。政府當局表示，漁農自然護理署一直利用科技協助生境保育工作，"
          "例如建立生境保護的監測系統，以及使用感應器和攝影機監測非法砍伐土沉香活動等。"
          "當局未來會繼續探索合適的科技，以加強協助環境保護工作。",
    "61": "政府當局表示，個別政府部門有主動聯絡本地初創公司探索不同場景的科技應用，同時亦會把場景上載至相關"
          "網上平台(例如創新實驗室網站，以及機電創科網上平台等)，邀請初創公司提供解決方案。"
          "同時，多個政府部門(例如消防處及警務處)一直與初創公司合作，運用科技方案提升部門運作效率，特別是在應急應變和救災方面。"
          "此外，當局亦與香港科技園公司及數碼港等機構合作，積極鼓勵和支持初創及科技企業發展，協助其拓展海外市場。",
    # paragraph 65 is cut by footnote 9 after "小程序"
    "65": "委員建議政府當局優化及整合各部門的流動應用程式，特別是通過“智方便”接達政府不同服務。"
          "另有意見認為，當局應加強推廣“智方便”，並提供優惠措施，以提高公眾的使用率。"
          "政府當局表示，“智方便”將於2025年內陸續推出更多新功能，包括“小程序平台”等，讓市民透過“智方便”小程序"
          "直接使用各個政府部門的網上服務，而無須下載該等部門所推出的流動應用程式。"
          "此外，當局的目標是在2025年年內讓所有政府電子服務採用“智方便”，實現政府服務“一網通辦”。",
}


@pytest.mark.parametrize("label", sorted(REJOINED, key=int))
def test_paragraph_cut_by_page_break_or_footnote_is_rejoined(report, label):
    assert report[2][label].text == REJOINED[label]


def test_no_footnote_text_inside_any_paragraph(report):
    _, passages, by_label = report
    notes = [by_label[f"fn{n}"].text for n in range(1, 10)]
    for p in passages:
        if not p.label.startswith("fn"):
            assert not any(note[:12] in p.text for note in notes), p.label
    assert not any(c in p.text for p in passages for c in SUPERSCRIPTS)


def test_footnotes_hold_their_own_text(report):
    _, _, by_label = report
    assert by_label["fn5"].text == "立法會於 2025 年 3 月 19 日通過《條例草案》。"
    assert by_label["fn6"].text.startswith("算力單位為Peta-floating point operations")
    assert by_label["fn9"].text.endswith("以監察市面情況及協助評估情況和制定應對方案和措施。")


@pytest.mark.parametrize("label, notes", [
    ("4", ("fn1", "fn2")), ("5", ("fn3", "fn4")), ("8", ("fn5",)), ("15", ("fn6",)),
    ("29", ("fn7",)), ("35", ("fn8",)), ("63", ("fn9",)), ("6", ()), ("67(1)", ()),
])
def test_paragraphs_link_the_footnotes_they_mark(report, label, notes):
    assert report[2][label].footnotes == notes


def test_superscripts_are_removed_without_leaving_spaces(report):
    _, _, by_label = report
    assert "服務平台，當局於2024年7月設立數字政策辦公室" in by_label["4"].text
    assert "聯動式燈控路口試點安裝系統" in by_label["35"].text


@pytest.mark.parametrize("label, refs", [
    ("67(1)", ("11",)), ("67(15)", ("38",)), ("67(20)", ("47", "49")), ("67(29)", ("62", "65")),
    ("5", ("appendix1", "appendix2")), ("29", ()), ("67", ()),
])
def test_cross_references_are_linked(report, label, refs):
    assert report[2][label].refs == refs


def test_every_recommendation_cites_an_earlier_paragraph(report):
    _, passages, by_label = report
    for p in passages:
        if p.label.startswith("67("):
            assert p.refs and all(ref in by_label and int(ref) < 67 for ref in p.refs), p.label


@pytest.mark.parametrize("label, section", [
    ("2", ("背景",)),
    ("6", ("小組委員會",)),
    ("7", ("小組委員會的商議工作", "發展智慧城市的數字基礎建設")),
    ("15", ("小組委員會的商議工作", "發展智慧城市的數字基礎建設", "人工智能超算中心")),
    ("20", ("小組委員會的商議工作", "智慧城市發展的區域合作")),
    ("23", ("小組委員會的商議工作", "智慧城市發展的區域合作", "推動各項跨境服務的發展")),
    ("28", ("小組委員會的商議工作", "智慧醫療", "“醫健通+”發展")),
    ("30", ("小組委員會的商議工作", "智慧醫療", "利用和開發人工智能技術以支援醫護服務和醫院運作")),
    ("31", ("小組委員會的商議工作", "智慧出行", "自動駕駛車輛")),
    ("62", ("小組委員會的商議工作", "進一步發展智慧城市", "統籌各政府部門的科技應用")),
    ("66", ("小組委員會的參觀活動",)),
    ("66(c)", ("小組委員會的參觀活動",)),
    ("67", ("建議",)),
    ("67(1)", ("建議", "發展智慧城市的數字基礎建設")),
    ("67(9)", ("建議", "智慧醫療")),
    ("67(13)", ("建議", "智慧出行")),
    ("67(29)", ("建議", "進一步發展智慧城市")),
    ("68", ("徵詢意見",)),
    ("fn6", ("小組委員會的商議工作", "發展智慧城市的數字基礎建設", "人工智能超算中心")),
    ("appendix1", ("發展智慧城市事宜小組委員會", "職權範圍")),
])
def test_passages_carry_their_heading_path(report, label, section):
    assert report[2][label].section == section


def test_list_items_start_with_their_content(report):
    _, _, by_label = report
    assert by_label["66"].text == "此外，小組委員會曾就上述各項政策事宜進行4次參觀考察活動，包括："
    assert by_label["66(a)"].text.startswith("於2024年10月8日參觀機電工程署")
    assert by_label["67"].text == "小組委員會建議政府當局："
    assert by_label["67(5)"].text.startswith("展開香港“城市大腦”的規劃")
    assert by_label["67(29)"].text.endswith("(參閱上文第62及65段)。")


def test_appendices_keep_terms_of_reference_and_the_whole_membership(report):
    _, _, by_label = report
    assert by_label["appendix1"].text == "檢視《香港智慧城市藍圖》、《香港智慧城市藍圖 2.0》的執行情況，並就推動香港發展智慧城市事宜提出建議。"
    members = by_label["appendix2"]
    assert members.section == ("發展智慧城市事宜小組委員會", "委員名單")
    lines = members.text.splitlines()
    assert lines[0] == "主席 葛珮帆議員, SBS, JP"
    assert lines[-1] == "法律顧問 鄭朗晞先生"
    assert "(總數：14位委員)" in lines and "趙汝棠先生 (由2025年4月14日起)" in lines
    assert len(lines) == 18  # 14 members, the total, two clerks, the legal adviser


def test_no_markdown_residue_anywhere(report):
    _, passages, by_label = report
    for p in passages:
        assert "](" not in p.text and "**" not in p.text and "[" not in p.text, p.label
    assert "《香港智慧城市藍圖》（“《藍圖》”）" in by_label["2"].text
    assert "除涵蓋《藍圖》的6個智慧範疇" in by_label["2"].text


# --- a second report in the same layout, numbered differently ---------------------------------

def test_fixture_report_labels(mini):
    doc, passages, _ = mini
    assert doc.doc_id == "CB(4)345/2024" and doc.date == "2024-02-28"
    assert [p.label for p in passages] == (
        [str(n) for n in range(1, 10)] + ["9(a)", "9(b)", "10", "10(1)", "10(2)", "10(3)", "10(4)", "11", "12"]
        + ["fn1", "fn2", "fn3", "fn4", "appendix1", "appendix2"]
    )


def test_fixture_numbered_paragraph_1_and_front_matter(mini):
    _, _, by_label = mini
    assert by_label["1"].text == "本文件旨在匯報研究海濱發展事宜小組委員會(“小組委員會”)的商議工作。"
    assert by_label["1"].section == ("目的",)


def test_fixture_page_break_with_page_number_is_rejoined(mini):
    assert mini[2]["4"].text == ("委員關注單車徑的連貫性，並建議當局盡快接駁各段單車徑。政府當局表示，現正研究"
                                 "在中環至灣仔一段增設單車徑的可行性，預計於2025年完成研究。")


def test_fixture_footnotes_inside_paragraphs_are_lifted_out(mini):
    _, _, by_label = mini
    assert by_label["5"].text == "委員建議增設行人天橋，並詢問相關工程的進度。政府當局表示，有關工程已於2023年展開，預計2026年完成。"
    assert by_label["5"].footnotes == ("fn2",)
    assert by_label["8"].text == ("委員建議開放更多海濱用地作活動場地，例如音樂會及市集等，政府當局表示會考慮有關建議，並"
                                  "參考其他城市的經驗，以善用海濱空間。")
    assert by_label["8"].footnotes == ("fn4",)
    assert by_label["fn2"].text == "工程合約編號為CV/2023/01。"


def test_fixture_footnote_running_onto_the_next_line_stays_whole(mini):
    _, _, by_label = mini
    assert by_label["fn1"].text == "《海濱發展藍圖》載於發展局網頁，並附有英文版本。"
    assert by_label["2"].text == "政府當局於2023年公布《海濱發展藍圖》，提出3個發展方向。當局表示會分階段落實各項措施。"


@pytest.mark.parametrize("label, section", [
    ("3", ("小組委員會",)),
    ("4", ("小組委員會的商議工作", "海濱連接", "單車徑")),
    ("5", ("小組委員會的商議工作", "海濱連接", "行人通道")),
    ("6", ("小組委員會的商議工作", "海濱管理")),
    ("7", ("小組委員會的商議工作", "海濱管理", "公私營合作")),
    ("9(b)", ("小組委員會的參觀活動",)),
    ("10(2)", ("建議", "海濱連接")),
    ("10(3)", ("建議", "海濱管理")),
    ("11", ("建議",)),
    ("12", ("徵詢意見",)),
])
def test_fixture_heading_paths(mini, label, section):
    assert mini[2][label].section == section


@pytest.mark.parametrize("label, refs", [
    ("10(1)", ("4", "5")), ("10(2)", ("3", "5", "6", "7")), ("10(3)", ("7",)), ("10(4)", ("8", "9(a)")),
    ("3", ("appendix1", "appendix2")),
])
def test_fixture_cross_references(mini, label, refs):
    assert mini[2][label].refs == refs


def test_fixture_appendices(mini):
    _, _, by_label = mini
    assert by_label["appendix1"].text == "研究與海濱發展有關的政策事宜，並提出建議。"
    assert by_label["appendix2"].text.splitlines() == [
        "主席 陳大文議員, JP", "副主席 李小明議員", "委員 張三議員", "李四議員, MH", "(總數：4位委員)",
        "秘書 王五女士", "法律顧問 趙六先生"]


# --- parser rules on small inputs ----------------------------------------------------------------

def test_text_without_paragraphs_is_kept_as_one_unnumbered_passage_with_a_warning():
    with pytest.warns(ReportWarning, match="no numbered paragraphs found"):
        passages = parse_report("標題\n\n另一標題\n", "X")
    assert [(p.label, p.text) for p in passages] == [("intro", "標題\n另一標題")]


def test_english_continuation_is_joined_with_a_space():
    text = "Purpose\n\n1. The Administration said that the\n\n2 \n\nreport was ready.\n"
    assert [p.text for p in parse_report(text, "X")] == ["The Administration said that the report was ready."]


def test_parse_does_not_read_files_and_is_repeatable():
    text = MINI.read_text(encoding="utf-8")
    assert parse_report(text, "X") == parse_report(text, "X")


@pytest.mark.parametrize("runs, topics, expected", [
    # a heading directly above another is its parent
    ([["目的"], ["商議工作", "交通", "巴士"], ["鐵路"]], set(),
     [("目的",), ("商議工作", "交通", "巴士"), ("商議工作", "交通", "鐵路")]),
    # a heading that groups list items elsewhere is a topic, even when alone
    ([["商議工作", "交通", "巴士"], ["房屋"], ["公屋"]], {"房屋"},
     [("商議工作", "交通", "巴士"), ("商議工作", "房屋"), ("商議工作", "房屋", "公屋")]),
    # without an open topic, a lone heading sits under the part
    ([["商議工作"], ["巴士"], ["鐵路"], ["建議"]], set(),
     [("商議工作",), ("商議工作", "巴士"), ("商議工作", "鐵路"), ("建議",)]),
])
def test_heading_levels_come_from_structure(runs, topics, expected):
    assert heading_paths(runs, topics) == expected


# --- chunking -------------------------------------------------------------------------------------

def test_short_passages_pass_through_unchanged(report):
    _, passages, _ = report
    assert chunk_passages(passages) == passages  # the longest paragraph here has 307 characters


def test_long_passage_is_split_at_sentence_ends_and_keeps_its_citation(report):
    _, _, by_label = report
    p = by_label["56"]
    chunks = chunk_passages([p], max_chars=120, overlap=0)
    assert [c.chunk for c in chunks] == list(range(len(chunks))) and len(chunks) > 1
    for c in chunks:
        assert (c.doc, c.label, c.section, c.footnotes, c.refs) == (p.doc, p.label, p.section, p.footnotes, p.refs)
        assert len(c.text) <= 120 and c.text.endswith("。")  # each chunk ends a sentence
    assert "".join(c.text for c in chunks) == p.text
    assert len({c.id for c in chunks}) == len(chunks)


def test_english_sentences_keep_their_full_stop():
    p = Passage("X", "3", ("Background",), "The Panel met. " * 10 + "It agreed!")
    chunks = chunk_passages([p], max_chars=50, overlap=0)
    assert all(re.search(r"[.!]$", c.text) for c in chunks)
    assert chunks[0].text == "The Panel met. The Panel met. The Panel met."


def test_overlap_repeats_a_whole_sentence():
    p = Passage("X", "1", (), "".join(f"第{n}句話。" for n in range(1, 7)))
    assert [c.text for c in chunk_passages([p], max_chars=15, overlap=5)] == [
        "第1句話。第2句話。第3句話。", "第3句話。第4句話。第5句話。", "第5句話。第6句話。"]


@pytest.mark.parametrize("max_chars, overlap", [(0, 0), (100, 100), (100, -1)])
def test_impossible_chunk_sizes_are_refused(max_chars, overlap):
    with pytest.raises(ValueError, match="impossible"):
        chunk_passages([], max_chars=max_chars, overlap=overlap)
