"""An index records the tokeniser that made its tokens; a changed tokeniser never answers from it."""
from __future__ import annotations

import json
import shutil

import pytest

from fakes import MINI, HashEmbedder
from index import glossary, tokeniser
from index.build import build
from index.defaults import PROJECT_ROOT
from index.store import MANIFEST, load_index, read_manifest
from index.tokeniser import TokeniserChanged

pytestmark = pytest.mark.usefixtures("project_cache_in_tmp")


@pytest.fixture
def own_glossary(tmp_path, monkeypatch):
    """The tokeniser reads a copy of data/glossary.tsv that the test may edit."""
    copy = tmp_path / "glossary.tsv"
    shutil.copy(PROJECT_ROOT / "data" / "glossary.tsv", copy)
    monkeypatch.setattr(glossary, "GLOSSARY_TSV", copy)
    tokeniser.reload()
    yield copy
    monkeypatch.undo()
    tokeniser.reload()


def edit_a_line(path):
    """Give the glossary's first term another Chinese name (a new jieba user word)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(lines) if line and not line.startswith("#") and not line.startswith("zh\t"))
    zh, en, aliases = lines[row].split("\t")
    lines[row] = "\t".join([zh, en, "|".join(filter(None, [aliases, "測試新詞語"]))])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tokeniser.reload()


@pytest.fixture
def mini_index(tmp_path, own_glossary):
    folder = tmp_path / "index"
    build([MINI], folder, HashEmbedder(), progress=False)
    return folder


def test_the_manifest_records_the_glossary_the_phrase_table_and_jieba_user_words(mini_index):
    record = json.loads((mini_index / MANIFEST).read_text(encoding="utf-8"))["tokeniser"]
    assert record == tokeniser.current()
    assert set(record) >= {"version", "glossary_sha256", "phrase_table_sha256", "jieba_user_words_sha256"}
    assert load_index(mini_index).manifest["tokeniser"] == record


def test_an_edited_glossary_line_refuses_the_index_naming_the_file_and_the_command(mini_index, own_glossary):
    edit_a_line(own_glossary)
    with pytest.raises(TokeniserChanged) as refused:
        load_index(mini_index)
    message = str(refused.value)
    assert "\n" not in message
    assert f"a different {own_glossary}" in message
    assert f"rebuild it with: legco-rag build {MINI} --index {mini_index}" in message


def test_a_glossary_edit_that_adds_no_jieba_word_is_still_named(mini_index, own_glossary):
    own_glossary.write_text(own_glossary.read_text(encoding="utf-8") + "# a comment\n", encoding="utf-8")
    tokeniser.reload()
    with pytest.raises(TokeniserChanged, match="glossary"):
        load_index(mini_index)


def test_an_index_without_a_record_cannot_be_verified_and_is_refused(mini_index):
    manifest = json.loads((mini_index / MANIFEST).read_text(encoding="utf-8"))
    del manifest["tokeniser"]
    (mini_index / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(TokeniserChanged, match="records no tokeniser.*rebuild it with: legco-rag build"):
        load_index(mini_index)


def test_rebuilding_after_the_edit_reuses_the_vectors_and_loads_again(mini_index, own_glossary):
    edit_a_line(own_glossary)
    report = build([MINI], mini_index, HashEmbedder(), progress=False)
    assert report.embedded == 0 and report.reused == report.manifest["chunks"]
    assert load_index(mini_index).manifest["tokeniser"] == tokeniser.current()


def test_ask_on_a_stale_index_prints_one_line_and_exits_2(mini_index, own_glossary, capsys):
    from assistant.cli import main

    edit_a_line(own_glossary)
    code = main(["ask", "智方便有多少用戶？", "--index", str(mini_index)])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.count("\n") == 1
    assert err.startswith(f"legco-rag: error: index '{mini_index}' was built with a different {own_glossary}")


def test_the_default_index_is_rebuilt_from_its_own_reports_then_answers(mini_index, own_glossary, monkeypatch,
                                                                         capsys):
    import index.embed
    from assistant.open_index import ensure_default_index

    monkeypatch.setattr(index.embed, "load_embedder", lambda name=None: HashEmbedder())
    edit_a_line(own_glossary)
    ensure_default_index(mini_index)
    assert "rebuilding the index" in capsys.readouterr().err
    rebuilt = load_index(mini_index)  # passes the check
    assert {d["source"] for d in rebuilt.manifest["documents"]} == {str(MINI)}


def test_the_default_index_whose_reports_are_gone_is_refused_not_rebuilt(tmp_path, own_glossary, monkeypatch):
    import index.embed
    from assistant.open_index import ensure_default_index

    report = tmp_path / "report.zh-Hant.txt"
    shutil.copy(MINI, report)
    folder = tmp_path / "default"
    build([report], folder, HashEmbedder(), progress=False)
    report.unlink()
    monkeypatch.setattr(index.embed, "load_embedder", lambda name=None: HashEmbedder())
    edit_a_line(own_glossary)
    with pytest.raises(TokeniserChanged, match=f"rebuild it with: legco-rag build {report} --index {folder}"):
        ensure_default_index(folder)
    assert read_manifest(folder)["tokeniser"] != tokeniser.current()


def test_the_app_shows_the_one_line_message_and_exits_2(mini_index, own_glossary, capsys):
    import app

    edit_a_line(own_glossary)
    with pytest.raises(SystemExit) as stopped:
        app.main(index=str(mini_index))
    err = capsys.readouterr().err
    assert stopped.value.code == 2
    assert err.count("\n") == 1 and "the tokeniser changed" in err

