"""jieba's dictionary, with the glossary's words, is kept in a file that opens at once and cuts text the same."""
from __future__ import annotations

import json
import logging
import shutil

import pytest

from index import glossary, tokeniser, tokenise, word_frequencies
from index.defaults import BUNDLED_REPORT, PROJECT_ROOT
from index.normalise import fold
from ingest.parse import load_report

pytestmark = pytest.mark.usefixtures("project_cache_in_tmp")


def jieba_as_it_comes():
    """jieba initialised the plain way, then taught the user words one by one: what the cache must equal."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    plain = jieba.Tokenizer()
    plain.initialize()
    for word in tokenise.user_words():
        plain.add_word(word, freq=100_000)
    return plain


def eval_texts() -> list[str]:
    rows = [json.loads(line) for line in (PROJECT_ROOT / "eval" / "questions.jsonl").read_text("utf-8").splitlines() if line]
    return [text for row in rows for text in (row["question"], *row.get("history", []))]


def passage_texts() -> list[str]:
    return [p.text for p in load_report(BUNDLED_REPORT)[1]]


@pytest.fixture
def fresh_tokeniser():
    tokeniser.reload()
    yield
    tokeniser.reload()


def cut_everything(texts: list[str]) -> list[list[str]]:
    return [tokenise.folded_tokens(fold(text)) for text in texts]


def test_the_first_process_writes_the_dictionary_and_the_next_reads_it_back(fresh_tokeniser):
    first = tokenise.jieba_tokenizer()
    assert isinstance(first.FREQ, dict)  # built by jieba this time
    assert tokenise.dictionary_cache().is_file()
    tokeniser.reload()
    second = tokenise.jieba_tokenizer()
    assert isinstance(second.FREQ, word_frequencies.WordFrequencies)
    assert (second.total, len(second.FREQ)) == (first.total, len(first.FREQ))


def test_the_cached_dictionary_holds_every_word_and_frequency_jieba_has():
    plain = jieba_as_it_comes()
    path = tokenise.dictionary_cache()
    path.parent.mkdir(parents=True, exist_ok=True)
    word_frequencies.write(path, plain.FREQ, plain.total)
    table = word_frequencies.open_table(path)
    assert table.total == plain.total
    assert dict(table.items()) == plain.FREQ
    assert table.get("不是一個詞語的字串") is None and "不是一個詞語的字串" not in table


def test_questions_history_and_passages_get_the_same_tokens_from_the_cache(fresh_tokeniser, monkeypatch):
    texts = eval_texts() + passage_texts()

    plain = jieba_as_it_comes()
    monkeypatch.setattr(tokenise, "jieba_tokenizer", lambda: plain)
    expected = cut_everything(texts)
    monkeypatch.undo()
    tokenise.jieba_tokenizer()  # writes the cache
    tokeniser.reload()
    # read by look-up only (as a question is), then after the table has read itself into a dict
    monkeypatch.setattr(word_frequencies, "PROMOTE_AFTER", 10**12)
    assert cut_everything(texts) == expected
    tokeniser.reload()
    monkeypatch.setattr(word_frequencies, "PROMOTE_AFTER", 100)
    assert cut_everything(texts) == expected
    assert isinstance(tokenise.jieba_tokenizer().FREQ, word_frequencies.WordFrequencies)
    # a server reads it whole and gives jieba the plain dict: the same words, cut the same way
    tokeniser.reload()
    tokenise.keep_dictionary_in_memory()
    assert type(tokenise.jieba_tokenizer().FREQ) is dict
    assert cut_everything(texts) == expected


def test_an_edited_glossary_names_another_dictionary_and_the_old_one_is_removed(tmp_path, monkeypatch, fresh_tokeniser):
    tokenise.jieba_tokenizer()
    before = tokenise.dictionary_cache()
    copy = tmp_path / "glossary.tsv"
    shutil.copy(glossary.GLOSSARY_TSV, copy)
    with copy.open("a", encoding="utf-8") as f:
        f.write("測試新詞語\ta test term\t\n")
    monkeypatch.setattr(glossary, "GLOSSARY_TSV", copy)
    tokeniser.reload()
    assert tokenise.dictionary_cache() != before
    assert "测试新词语" in tokenise.jieba_tokenizer().FREQ
    assert tokenise.dictionary_cache().is_file() and not before.exists()
    monkeypatch.undo()


@pytest.mark.parametrize("damage", ["empty", "truncated", "other bytes"])
def test_a_damaged_dictionary_file_is_rebuilt_not_trusted(damage, fresh_tokeniser):
    tokenise.jieba_tokenizer()
    path = tokenise.dictionary_cache()
    data = path.read_bytes()
    path.write_bytes({"empty": b"", "truncated": data[: len(data) // 2], "other bytes": b"x" * 64}[damage])
    assert word_frequencies.open_table(path) is None
    tokeniser.reload()
    assert tokenise.jieba_cut("政府當局表示超算中心") == ["政府當局", "表示", "超算中心"]
    assert word_frequencies.open_table(path) is not None
