"""Quote the reply, not the question: a ranking stage between fusion and the cut to k.

A report records its deliberation as members asking or urging (委員詢問… / Members asked whether…)
and the Administration replying, usually in the next paragraph of the same section (第34段 asks,
第35段 answers). A question found by the members' paragraph is answered by the reply, so:

- a question that does not ask for the members' words: a passage where only members speak yields to
  the reply after it, within AHEAD paragraphs of its section (the reply is lifted just above it); when
  the reply goes on over further paragraphs (政府當局進一步表示…), the best ranked of them. A question
  that asks no side in particular ("數碼無障礙運動是甚麼？") is answered by what members note
  (委員察悉…), so there a members' paragraph yields only when it asks (委員詢問 / 關注);
- "what did members ask / urge / suggest": a reply, or a recommendation 67(x), yields to the members'
  paragraph it answers or cites;
- "what does the subcommittee recommend": a paragraph yields to the recommendation that cites it;
- any other question: a recommendation yields to the Administration's answer on the paragraph it
  cites (a recommendation urges; what the government does or will do is in the paragraphs it cites):
  the cited paragraph when the Administration speaks in it, or the reply after it, whichever ranks best;
- "who …": a best passage naming no one yields to the best one naming a person or an office.

Who speaks comes from ingest.speakers (the report's own wording), read once per passage here.
"""
from __future__ import annotations

import re
from typing import Mapping

from assistant.abstain import gives
from assistant.hit import Key
from assistant.links import Links
from index.normalise import fold
from ingest.passage import Passage
from ingest.speakers import ADMINISTRATION, MEMBERS, SUBCOMMITTEE, turns

LIFT = 1e-6  # how far above the passage it replaces a lifted one goes: just above, nothing more
AHEAD = 3  # how many paragraphs after a members' paragraph its reply may come, within the section
DEPTH = 10  # how many of the best passages are looked at: the rest never reach an answer

# The side a question asks for, from its folded written form (Traditional, lowercase, Cantonese
# rewritten). The subcommittee's recommendation comes first ("小組委員會建議政府當局…"), then the
# Administration's side when both it and members are named ("委員問到…，政府當局如何回應？").
# The Administration asked to do something is not the Administration speaking: "他們要求政府怎樣應對"
# asks what members urged.
_ADMINISTRATION_ASKED = re.compile(
    r"(?<!要求)(?<!促請)(?<!呼籲)(?<!敦促)(?:政府當局|當局|政府|局方)[^，,。？?]{0,6}?(?:如何|怎樣|怎麼|點|有何|有甚麼|有什麼|有咩|做了|做過|會|回應|回覆|答覆|表示|"
    r"解釋|指出|立場|對策|處理|說|講)"
    r"|\b(?:administration|government)(?:'s)?\s+(?:respond|responded|reply|replied|answer|say|said|do|did|plan|"
    r"position|stance|view|response)\b"
    r"|\b(?:did|does|will|would) the (?:administration|government) (?:say|respond|reply|answer|do|plan|explain)\b")
_MEMBERS_ASKED = re.compile(
    r"(?:(?<!小組)委員(?!會)|議員)[^，,。？?]{0,24}?(?:提出|關注|建議|促請|要求|詢問|擔心|認為|意見|看法|問|希望|質疑|憂慮)"
    r"|\b(?:members?|legislators?)\b(?:\s+\w+){0,3}?\s+(?:ask|asked|urge|urged|suggest|suggested|raise|raised|"
    r"propose|proposed|call|called|want|wanted|concerns?|views?|think|thought|worry|worried)\b"
    r"|\bmembers'\s+(?:view|views|concerns?|suggestions?|call|calls|requests?)\b")
_ADMINISTRATION_NAMED = re.compile(r"政府|當局|局方|\b(?:administration|government)\b")
_MEMBERS_NAMED = re.compile(r"(?<!小組)委員(?!會)|議員|\b(?:members?|legislators?)\b")
# The report's recommendations are the subcommittee's: "報告建議…" / "what does the report recommend" asks for 67(x).
_SUBCOMMITTEE_ASKED = re.compile(r"(?:小組委員會|報告)[^，,。？?]{0,16}?建議|\b(?:sub-?committee|report)\b[^?.]{0,20}?\brecommend")


def side_asked(folded_written: str) -> str:
    """"administration", "members", "subcommittee" or "" (no side named) for a question's folded written form.

    >>> side_asked("委員問到網絡安全,政府當局如何回應?"), side_asked("委員對超算中心提出了甚麼建議?")
    ('administration', 'members')
    >>> side_asked("what did members urge the administration to do?"), side_asked("實時交通燈號調節系統幾時推展至全港?")
    ('members', '')
    """
    q = folded_written.lower()
    if _SUBCOMMITTEE_ASKED.search(q):
        return SUBCOMMITTEE
    # A question that first says what members raised asks in its last clause: "委員關注人工智能治理，
    # 政府發布了哪些指引？" asks for what the Administration did.
    *said, asking = re.split(r"[，,：:；;]", q.strip())
    if said and _ADMINISTRATION_NAMED.search(asking) and not _MEMBERS_NAMED.search(asking):
        return ADMINISTRATION
    if _SUBCOMMITTEE_ASKED.search(q):
        return SUBCOMMITTEE
    if _ADMINISTRATION_ASKED.search(q):
        return ADMINISTRATION
    if _MEMBERS_ASKED.search(q):
        return MEMBERS
    return ""


def _role(p: Passage, parent: Passage | None) -> str:
    """"members" when only members speak in `p`, "reply" when the Administration or a named body speaks
    first, "recommendation" for the subcommittee's (and its sub-items), else ""."""
    inherited = None
    if parent is not None:
        speakers = [t.speaker for t in turns(parent.text)]
        inherited = speakers[-1] if speakers else None
    said = [t.speaker for t in turns(p.text, inherited) if t.speaker]
    if not said:
        return ""
    if said[0] == SUBCOMMITTEE:
        return "recommendation"
    if all(s == MEMBERS for s in said):
        return MEMBERS
    if said[0] != MEMBERS:
        return "reply"
    return ""


def _speakers_of(p: Passage) -> set[str | None]:
    """Everyone who speaks in a passage."""
    return {t.speaker for t in turns(p.text)}


class SpeakerPreference:
    """Per passage, read when first asked for: its role, the reply after a members' paragraph, the
    members' paragraph before a reply, the recommendations citing a paragraph. (Reading every
    passage up front made set-up grow with the collection; a question looks at DEPTH passages.)"""

    def __init__(self, links: Links):
        self.links = links
        self._names_person: dict[Key, bool] = {}
        self._asks: dict[Key, bool] = {}
        self._roles: dict[Key, str] = {}
        self._keys: list[Key] = list(links.by_label)  # the collection's order, as links.position counts it

    def role(self, key: Key) -> str:
        """The role of the passage at `key` (see _role), its parent's last speaker carried into a sub-item."""
        if key not in self._roles:
            p = self.links.by_label[key]
            parent = self.links.by_label.get((p.doc, p.label.split("(")[0])) if "(" in p.label else None
            self._roles[key] = _role(p, parent)
        return self._roles[key]

    def reply(self, before: Key) -> Key | None:
        """The reply after a members' paragraph in the same section: up to AHEAD paragraphs on, past
        further members' paragraphs on the same point (委員詢問… 委員亦建議… 政府當局表示…)."""
        if before not in self.links.by_label or self.role(before) != MEMBERS:
            return None
        a = self.links.by_label[before]
        at = self.links.position[before]
        for after in self._keys[at + 1:at + 1 + AHEAD]:
            b = self.links.by_label[after]
            if (b.doc, b.section) != (a.doc, a.section) or self.role(after) not in (MEMBERS, "reply"):
                return None
            if self.role(after) == "reply":
                return after
        return None

    def asking(self, after: Key) -> Key | None:
        """The first members' paragraph whose reply is `after`."""
        if after not in self.links.position:
            return None
        at = self.links.position[after]
        return next((before for before in self._keys[max(0, at - AHEAD):at] if self.reply(before) == after), None)

    def recommendations(self, key: Key) -> list[Key]:
        """The recommendations citing the paragraph at `key`, in the collection's order."""
        doc, label = key
        citing = {(doc, c) for c in self.links.pointing(key)}
        return sorted((c for c in citing if c in self.links.by_label and self.role(c) == "recommendation"
                       and label in self.links.by_label[c].refs), key=self.links.position.__getitem__)

    def cited(self, key: Key) -> list[Key]:
        """The members' paragraphs a recommendation cites (none for a passage that is not one)."""
        if key not in self.links.by_label or self.role(key) != "recommendation":
            return []
        p = self.links.by_label[key]
        return [(p.doc, label) for label in p.refs
                if (p.doc, label) in self.links.by_label and self.role((p.doc, label)) == MEMBERS]

    def replies(self, before: Key) -> list[Key]:
        """A members' paragraph's reply and the replies continuing it (政府當局進一步表示…), in order."""
        after = self.reply(before)
        return self._replies_on(after) if after is not None else []

    def answered(self, key: Key) -> list[Key]:
        """The Administration's paragraphs on what a recommendation cites (none for other passages)."""
        if key not in self.links.by_label or self.role(key) != "recommendation":
            return []
        p = self.links.by_label[key]
        return [reply for label in p.refs if (p.doc, label) in self.links.by_label
                for reply in self._replies_on((p.doc, label))]

    def _replies_on(self, key: Key) -> list[Key]:
        """The Administration's paragraphs on what `key` raises: `key` itself when the Administration
        speaks in it, and the replies that follow it in its section (up to AHEAD paragraphs)."""
        p = self.links.by_label[key]
        out = [key] if self.role(key) == "reply" or ADMINISTRATION in _speakers_of(p) else []
        at = self.links.position[key]
        for after in self._keys[at + 1:at + 1 + AHEAD]:
            b = self.links.by_label[after]
            if (b.doc, b.section) != (p.doc, p.section) or self.role(after) != "reply":
                break
            out.append(after)
        return out

    def asks(self, key: Key) -> bool:
        """Whether someone in the passage asks or raises a concern (委員詢問 / 關注 …), read once per passage."""
        if key not in self._asks:
            self._asks[key] = any(t.act == "asks" for t in turns(self.links.by_label[key].text))
        return self._asks[key]

    def names_person(self, key: Key) -> bool:
        """Whether a passage names a person or an office-holder (read once per passage)."""
        if key not in self._names_person:
            p = self.links.by_label.get(key)
            self._names_person[key] = p is not None and gives("person", fold(p.text).lower())
        return self._names_person[key]

    def counterpart(self, key: Key, side: str) -> Key | None:
        """The passage that answers better than `key` for a question asking for `side`, or None."""
        if side == MEMBERS:
            return self.asking(key) or next(iter(self.cited(key)), None)
        if side == SUBCOMMITTEE:
            return next(iter(self.recommendations(key)), None)
        return self.reply(key)

    def apply(self, scores: Mapping[Key, float], ranked: list[Key], side: str,
              person: bool = False) -> dict[Key, float]:
        """Scores with each counterpart of the best DEPTH passages (`ranked`, best first) lifted just above
        the passage it replaces; a counterpart already above stays where it is.

        `person`: the question asks who ("Who chaired the subcommittee?"), and its answer names a person
        or an office (葛珮帆議員, 主席): when the best passage names none, the best of the DEPTH that
        does is lifted just above it."""
        out = dict(scores)
        if person and ranked and not self.names_person(ranked[0]):
            named = next((key for key in ranked[1:DEPTH] if self.names_person(key)), None)
            if named is not None:
                out[named] = out[ranked[0]] + LIFT
                ranked = [named, *(key for key in ranked if key != named)]
        for key in ranked[:DEPTH]:
            if not side and self.role(key) == MEMBERS and not self.asks(key):
                continue  # what members note or urge answers a question asking no side: nothing awaits a reply
            other = self.counterpart(key, side)
            if side not in (MEMBERS, SUBCOMMITTEE):
                # The best ranked of the Administration's paragraphs on it: a reply may go on over two
                # paragraphs, the second on a further point (政府當局進一步表示，數字辦會…).
                answers = self.replies(key) or self.answered(key)
                if answers:
                    other = max(answers, key=lambda k: (out.get(k, float("-inf")), -self.links.position[k]))
            if other is not None and out.get(other, float("-inf")) <= out[key]:
                out[other] = out[key] + LIFT
        return out
