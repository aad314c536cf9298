"""The Evaluation tab: run a question set through the retrieval, with progress; figures as a table and
a bar chart, and every missed question clickable to its ranked and gold passages."""
from __future__ import annotations

from dataclasses import dataclass

import gradio as gr
import pandas as pd

from assistant import render
from eval.run import QUESTIONS, describe, evaluate_retriever, load_questions, missed
from ingest.passage import InputError

EVAL_DIR = QUESTIONS.parent
EVAL_METRICS = ("hit@1", "hit@5", "mrr@10", "ndcg@10", "abstain_on_none", "false_abstention")
MISSED_COLUMNS = ["id", "lang", "kind", "why", "question", "gold", "top 3"]


def question_files() -> list[str]:
    """The question sets a reader may run: the JSONL files beside eval/run.py (never a path typed in)."""
    return sorted(p.name for p in EVAL_DIR.glob("*.jsonl"))


def metric_rows(metrics: dict) -> list[dict]:
    """eval.run.score's nested figures as rows: overall, then per language, then per kind.

    >>> metric_rows({"overall": {"n": 2}, "by_lang": {"en": {"n": 1}}, "by_kind": {"lookup": {"n": 1}}})
    [{'group': 'overall', 'n': 2}, {'group': 'lang=en', 'n': 1}, {'group': 'kind=lookup', 'n': 1}]
    """
    rows = [{"group": "overall", **metrics.get("overall", {})}]
    for field in ("by_lang", "by_kind"):
        rows += [{"group": f"{field[3:]}={name}", **m} for name, m in metrics.get(field, {}).items()]
    return rows


def figures_table(metrics: dict) -> pd.DataFrame:
    """The figures per group, the columns in a fixed order, rounded for reading."""
    return pd.DataFrame(metric_rows(metrics)).reindex(columns=["group", "n", *EVAL_METRICS]).round(3)


def missed_table(wrong: list[dict]) -> pd.DataFrame:
    """One row per missed question: why it was missed, its gold passages and the top three found."""
    return pd.DataFrame([{"id": m["id"], "lang": m.get("lang", ""), "kind": m.get("kind", ""), "why": m["why"],
                          "question": m["question"], "gold": " ".join(m["gold"]) or "—",
                          "top 3": " ".join(m["ranked"][:3])} for m in wrong],
                        columns=MISSED_COLUMNS)


def chart_of(table, metric: str):
    """One metric per group, for the bar chart, the groups in the table's order."""
    if table is None or len(table) == 0 or metric not in table:
        return None
    figures = table[["group", metric]].rename(columns={metric: "value"}).dropna()
    return gr.BarPlot(figures, sort=list(figures["group"]), y_title=metric)


class EvaluationTab:
    """The tab's event handlers over one Retriever (Gradio's names: `run_evaluation`, `show_missed`)."""

    def __init__(self, retriever):
        self.retriever = retriever
        self.documents = retriever.index.documents
        self.by_label = retriever.by_label

    def run_evaluation(self, file: str, split: str, metric: str, progress=gr.Progress()):
        """Run a question set through the retrieval, with progress; figures as a table and a chart."""
        if file not in question_files():
            raise gr.Error(f"沒有這個問題集 · No question set '{file}': pick one of {', '.join(question_files())}",
                           print_exception=False)
        try:
            questions = load_questions(EVAL_DIR / file, split)
        except InputError as e:
            raise gr.Error(str(e), print_exception=False) from None

        def track(qs):
            return progress.tqdm(qs, total=len(questions), desc="問題 · questions")

        report = evaluate_retriever(self.retriever, questions, config={"questions": file, "split": split},
                                    track=track)
        table = figures_table(report["metrics"])
        wrong = missed(questions, report["results"])
        summary = f"{describe(file, split, self.retriever)} · {len(questions)} 題 questions · {len(wrong)} 題答錯 missed"
        return summary, table, chart_of(table, metric), missed_table(wrong), wrong, ""

    def show_missed(self, wrong: list, evt: gr.SelectData):
        """A missed question, clicked: its gold passages and its ranked ones."""
        row = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        if not wrong or not isinstance(row, int) or not 0 <= row < len(wrong):
            return gr.skip()
        doc = next(iter(self.documents)) if self.documents else ""
        return render.eval_case_html(wrong[row], self.by_label, doc)


@dataclass(frozen=True)
class EvaluationView:
    """The tab's components, for the page to wire."""

    file: gr.Dropdown
    split: gr.Radio
    metric: gr.Dropdown
    run: gr.Button
    summary: gr.Markdown
    table: gr.Dataframe
    chart: gr.BarPlot
    missed: gr.Dataframe
    case: gr.HTML
    wrong: gr.State


def evaluation_view() -> EvaluationView:
    """The tab's components, laid out inside the current gr.Tab."""
    files = question_files()
    with gr.Row():
        file = gr.Dropdown(files, value=files[0] if files else None, label="問題集 · Question file", elem_id="eval-file")
        split = gr.Radio(["dev", "test", "all"], value="test", label="分組 · Split", elem_id="eval-split")
        metric = gr.Dropdown(list(EVAL_METRICS), value="mrr@10", label="圖表指標 · Chart metric", elem_id="eval-metric")
    run = gr.Button("執行評估 · Run the evaluation", variant="primary", elem_id="eval-run")
    summary = gr.Markdown(elem_id="eval-summary")
    table = gr.Dataframe(label="各語言及類別 · By language and kind", interactive=False, elem_id="eval-table")
    chart = gr.BarPlot(x="group", y="value", label="圖表 · Chart", elem_id="eval-chart", sort=None, y_lim=[0, 1],
                       x_label_angle=-35)
    missed_list = gr.Dataframe(label="答錯的問題（點擊查看）· Missed questions (click one)", interactive=False,
                               elem_id="eval-missed", wrap=True)
    case = gr.HTML("", elem_id="eval-case", js_on_load=None)
    return EvaluationView(file, split, metric, run, summary, table, chart, missed_list, case, gr.State([]))


def wire_evaluation(view: EvaluationView, tab: EvaluationTab, model: dict, cheap: dict) -> None:
    """Which event calls what: running takes the model's slot, the chart and a click are string work."""
    view.run.click(tab.run_evaluation, [view.file, view.split, view.metric],
                   [view.summary, view.table, view.chart, view.missed, view.wrong, view.case], **model)
    view.metric.input(chart_of, [view.table, view.metric], [view.chart], **cheap)
    view.missed.select(tab.show_missed, [view.wrong], [view.case], **cheap)
