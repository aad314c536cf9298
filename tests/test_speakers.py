"""Specification of ingest.speakers: who says each sentence of the deliberations, and what it does."""
import pytest

from ingest.speakers import opening, speakers, turns

OPENINGS = [
    ("委員詢問本港有多少個路口適合推行該系統。", ("members", "asks")),
    ("委員亦關注到政府當局推行系統的具體政策。", ("members", "asks")),
    ("部分委員促請當局加快推行。", ("members", "urges")),
    ("有委員建議當局設立專責團隊。", ("members", "urges")),
    ("另有意見認為，當局應加強推廣。", ("members", "urges")),
    ("政府當局表示，超算中心的目的主要是支援研發。", ("administration", "states")),
    ("當局會循序漸進地按業界需求增加算力。", ("administration", "states")),
    ("局方希望未來能引入私人界別的參與。", ("administration", "urges")),
    ("此外，政府當局表示會檢討。", ("administration", "states")),
    ("政府當局於2022年12月22日公布《藍圖》。", ("administration", "states")),
    ("小組委員會建議政府當局：", ("subcommittee", "urges")),
    ("醫院管理局(“醫管局”)表示會推行智慧醫院。", ("醫院管理局", "states")),
    ("運輸署正安排試點安裝系統。", ("運輸署", "states")),
    ("Members asked whether the system would be extended.", ("members", "asks")),
    ("Some members urged the Administration to act.", ("members", "urges")),
    ("The Administration advised that the centre opened in 2024.", ("administration", "states")),
    ("The Hospital Authority said it would use AI.", ("Hospital Authority", "states")),
    ("The Subcommittee recommends that the Government should act.", ("subcommittee", "urges")),
]


@pytest.mark.parametrize("sentence, expected", OPENINGS)
def test_a_sentence_opening_with_a_speaker_and_a_reporting_verb_names_both(sentence, expected):
    assert opening(sentence) == expected


@pytest.mark.parametrize("sentence", [
    "本文件旨在匯報小組委員會的商議工作。",  # the paper itself, no one speaking
    "謹請內務委員會察悉小組委員會的商議工作。",  # the paper's closing request names a body it addresses
    "超算中心於2024年12月投入服務。",
    "The centre opened in 2024.",
])
def test_a_sentence_without_a_speaker_opening_has_none(sentence):
    assert opening(sentence) is None


def test_a_sentence_without_a_speaker_continues_the_one_before():
    text = "政府當局表示，超算中心已投入服務。首5 000 PFLOPS的算力會由政府資助。委員詢問收費。"
    assert [(t.speaker, t.act) for t in turns(text)] == [
        ("administration", "states"), ("administration", "states"), ("members", "asks")]


def test_a_question_continues_as_a_question_until_someone_answers():
    text = "委員詢問系統何時推出。此外，推出的地區為何。政府當局表示於2026年推出。"
    assert [t.act for t in turns(text)] == ["asks", "asks", "states"]


def test_sub_items_take_the_speaker_of_the_sentence_that_introduces_them():
    assert speakers("展開香港“城市大腦”的規劃；", inherited="subcommittee") == ("subcommittee",)
    assert [t.act for t in turns("展開規劃；", inherited="subcommittee")] == ["urges"]


def test_speakers_are_distinct_and_in_order_of_appearance():
    text = "委員建議整合功能。政府當局表示會加強連接。委員亦詢問進度。政府當局表示年內完成。"
    assert speakers(text) == ("members", "administration")


def test_a_body_named_with_its_short_form_keeps_one_name():
    text = "香港警務處(“警務處”)表示會使用科技。警務處亦指出會加強培訓。"
    assert speakers(text) == ("香港警務處",)


def test_turns_cover_the_sentences_exactly():
    text = "委員詢問系統何時推出。政府當局表示，系統於2026年推出。"
    spans = turns(text)
    assert "".join(text[t.start:t.end] for t in spans).replace(" ", "") == text


def test_a_sub_item_takes_the_speaker_of_the_sentence_introducing_it():
    from ingest.passage import Passage
    from ingest.speakers import with_speakers

    paragraph = Passage("X", "67", (), "67. 小組委員會建議政府當局：")
    item = Passage("X", "67(1)", (), "加快推展數字基建；")
    other = Passage("X", "68", (), "這是背景。")
    out = with_speakers([paragraph, item, other])
    assert [p.speakers for p in out] == [("subcommittee",), ("subcommittee",), ()]
    assert item.speakers == ()  # the passages given are not changed
    assert out[1].id == item.id  # speakers are not part of a passage's id


def test_parent_label_of_sub_items_only():
    from ingest.speakers import parent_label

    assert [parent_label(x) for x in ("67(5)", "2.2(a)", "3(i)", "15", "fn6", "appendix2")] == \
        ["67", "2.2", "3", None, None, None]
