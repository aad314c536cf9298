"""What members note answers a question that asks no side: a members' paragraph yields to the reply
after it only when it asks something, or when the question asks for the Administration's side."""
from __future__ import annotations

import pytest

from assistant.fuse import rank
from assistant.links import Links
from assistant.speaker_preference import SpeakerPreference
from ingest.passage import Passage

DOC = "CB(4)1"
SECTION = ("數碼共融",)
NOTES = Passage(DOC, "50", SECTION, "委員察悉，政府當局推行數碼無障礙運動，促使機構採用無障礙設計。"
                                    "委員促請當局善用人工智能技術，進一步推動數碼無障礙運動。")
ASKS = Passage(DOC, "52", SECTION, "委員詢問長者數碼培訓的進度。")
REPLY_TO_NOTES = Passage(DOC, "51", SECTION, "政府當局表示，數字辦會繼續推廣數碼無障礙運動。")
REPLY_TO_ASKS = Passage(DOC, "53", SECTION, "政府當局表示，數碼培訓已惠及三萬名長者。")
PASSAGES = (NOTES, REPLY_TO_NOTES, ASKS, REPLY_TO_ASKS)


@pytest.fixture(scope="module")
def links() -> Links:
    return Links(PASSAGES)


def _first(links: Links, scores: dict, side: str) -> str:
    moved = SpeakerPreference(links).apply(scores, rank(scores, links.position), side)
    return rank(moved, links.position)[0][1]


def test_a_question_asking_no_side_keeps_the_members_note_above_the_reply(links):
    assert _first(links, {(DOC, "50"): 0.9, (DOC, "51"): 0.9}, "") == "50"


def test_a_question_for_the_administration_still_gets_the_reply_to_a_members_note(links):
    assert _first(links, {(DOC, "50"): 0.9, (DOC, "51"): 0.8}, "administration") == "51"


def test_a_members_question_still_yields_to_its_reply_when_no_side_is_asked(links):
    assert _first(links, {(DOC, "52"): 0.9, (DOC, "53"): 0.8}, "") == "53"
