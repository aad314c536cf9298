"""The evaluation tab: one question the evaluation got wrong, with its gold and ranked passages."""
from __future__ import annotations

from html import escape

from assistant.render.pieces import citation_chip, snippet, text_html
from ingest.passage import Passage


def eval_case_html(case: dict, passages: dict[tuple[str, str], Passage], doc: str) -> str:
    """One question the evaluation got wrong: why, the gold passages and the ranked ones, each a chip.

    case: a row of eval.run.missed (question, why, gold and ranked labels); passages: by (doc, label).
    """
    gold = list(case.get("gold", []))

    def item(label: str, mark: str = "") -> str:
        p = passages.get((doc, label))
        text = snippet(p.text, 120) if p else "（索引中沒有這段 · not in the index）"
        return f'<li>{mark}{citation_chip(doc, label, kind="linked")}<span class="snippet">{text}</span></li>'

    ranked = "".join(item(label, "✓ " if label in gold else "") for label in case.get("ranked", []))
    golds = "".join(item(label) for label in gold) or "<li>（報告沒有答案 · the report does not answer）</li>"
    return (f'<div class="eval-case"><div class="eval-q">{text_html(str(case.get("question", "")))}</div>'
            f'<div class="eval-why">{escape(str(case.get("id", "")))} · {escape(str(case.get("why", "")))}</div>'
            f'<div class="panel-block"><div class="panel-h">正確段落 Gold</div><ul class="linked-list">{golds}</ul></div>'
            f'<div class="panel-block"><div class="panel-h">排名 Ranked</div><ol class="linked-list eval-ranked">'
            f'{ranked}</ol></div></div>')
