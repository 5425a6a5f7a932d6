"""The cxkit command line and the report it writes."""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import nbformat
import pytest

import cxlib
from cxlib.cli import main

KIT_ROOT = Path(__file__).resolve().parents[1]
HOSTILE_NAME = '<script>alert("x")</script> & Sons'


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    """One full run of every notebook on a demo copy whose name is an HTML injection attempt."""
    import shutil

    root = tmp_path_factory.mktemp("run")
    client = Path(shutil.copytree(KIT_ROOT / "data" / "demo", root / "hostile"))
    toml = (client / "client.toml").read_text(encoding="utf-8")
    (client / "client.toml").write_text(toml.replace('"Motorline Service"', f"'{HOSTILE_NAME}'"), encoding="utf-8")
    assert cxlib.load_client(client).name == HOSTILE_NAME
    lines: list[str] = []
    here = os.getcwd()
    os.chdir(root)  # relative folders, as a user types them
    try:
        report = cxlib.cli.run(Path("hostile"), Path("out"), echo=lines.append)
    finally:
        os.chdir(here)
    return report, root / "out", lines


def test_run_writes_notebooks_and_report(demo_run):
    report, out, lines = demo_run
    assert report == out / "report.html"
    executed = sorted(p.name for p in out.glob("*.ipynb"))
    assert executed == sorted(p.name for p in (KIT_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    progress = [line for line in lines if re.match(r"  \[\d/7\] \d\d_\w+\.ipynb \(\d+\.\d s\)", line)]
    assert len(progress) == 7
    assert any(line.startswith("  read survey.csv as UTF-8") for line in lines)


def test_executed_notebooks_carry_the_client_parameter(demo_run):
    _, out, _ = demo_run
    notebook = nbformat.read(str(out / "01_lifecycle_stage.ipynb"), as_version=4)
    injected = [c for c in notebook.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and "hostile" in injected[0].source


def test_report_is_code_free_offline_and_escaped(demo_run):
    report, _, _ = demo_run
    page = report.read_text(encoding="utf-8")
    assert "<script" not in page.lower()
    assert 'http-equiv="Content-Security-Policy"' in page and "default-src 'none'" in html.unescape(page)
    assert not re.search(r"""(src|href)=["']https?://""", page)
    assert "&lt;script&gt;alert" in page
    assert "cxlib.load_client" not in page  # no code reaches the client
    assert "client_dir =" not in page       # nor the parameters
    assert "Motorline" not in page          # nor the demo company's story: the prose a client reads is generic


def test_report_reads_summary_first_then_the_chapters_and_has_its_pdf(demo_run):
    report = demo_run[0]
    page = report.read_text(encoding="utf-8")
    order = [page.index(f'id="{anchor}"') for anchor in ("summary", "chapter-lifecycle", "chapter-scorecard",
                                                         "chapter-journey", "chapter-nps", "chapter-voice")]
    assert order == sorted(order)
    assert "Start here" not in page and "What you will learn" not in page
    assert report.with_suffix(".pdf").read_bytes().startswith(b"%PDF-")


def test_bad_client_stops_before_any_notebook(tmp_path, capsys):
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "client.toml").write_text('name = "Bad"\n')
    (folder / "survey.csv").write_text(
        "response_id,date,channel,segment,customer_id,nps,csi,ces,reason_code,comment,contact_at,followed_up_at\n"
        "R1,2025-01-01,phone,private,C1,12,5,6,,,,\n")
    assert main(["run", str(folder), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "survey.csv row 2, nps: '12' is outside 0–10" in err
    assert not (tmp_path / "out").exists()


def test_failing_notebook_is_named_with_its_cell(tmp_path, capsys):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    book = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell('client_dir = ""', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell("raise ValueError('churn column is empty')"),
    ])
    book.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(book, str(notebooks / "01_broken.ipynb"))
    code = main(["run", str(KIT_ROOT / "data" / "demo"), "--out", str(tmp_path / "out"),
                 "--notebooks", str(notebooks)])
    assert code == 1
    err = capsys.readouterr().err
    assert "01_broken.ipynb failed in cell 4" in err  # 1-3 are the cells, shifted by papermill's injected cell
    assert "ValueError: churn column is empty" in err
    assert (tmp_path / "out-failed" / "01_broken.ipynb").exists()  # kept with the error in place
    assert "out-failed" in err and not (tmp_path / "out").exists()


def test_new_client_copies_the_template(tmp_path, capsys):
    target = tmp_path / "acme"
    assert main(["new-client", str(target)]) == 0
    template = KIT_ROOT / "data" / "template"
    assert sorted(p.name for p in target.iterdir()) == sorted(p.name for p in template.iterdir())
    with pytest.raises(cxlib.DataError) as caught:  # an unfilled template says what it needs
        cxlib.load_client(target)
    assert [str(p) for p in caught.value.problems] == [
        "survey.csv: holds no answers: the diagnosis needs the survey (or survey_counts.csv)"]
    assert main(["new-client", str(target)]) == 1
    assert "already exists and is not empty" in capsys.readouterr().err


def test_a_russian_client_gets_russian_fixed_texts(tmp_path):
    import shutil

    import matplotlib

    matplotlib.use("Agg")
    import cxlib.plots

    folder = Path(shutil.copytree(KIT_ROOT / "data" / "demo", tmp_path / "ru"))
    toml = (folder / "client.toml").read_text(encoding="utf-8")
    (folder / "client.toml").write_text(toml.replace('language = "en"', 'language = "ru"'), encoding="utf-8")
    client = cxlib.load_client(folder)
    result = cxlib.diagnosis.diagnose(client)
    first = result.recommendations.iloc[0]
    assert first["recommendation"].startswith("Клиентский сервис на стадии «Давай-давай»")
    assert "Отдельный отдел клиентского сервиса" in first["recommendation"]
    assert any("Устранить трудности в точке «Онлайн-запись»" in r for r in result.recommendations["recommendation"])
    ax = cxlib.plots.funnel(cxlib.journey.funnel(client.journey, language="ru"), language="ru")
    assert ax.get_xlabel() == "клиенты, перешедшие к следующему шагу, %"
    assert "Покупка" in [label.get_text() for label in ax.get_yticklabels()]
    assert cxlib.diagnosis.text("cover", "ru", first="2025-Q1", last="2025-Q4").startswith("Диагностика")
    matplotlib.pyplot.close("all")


def test_a_client_with_the_survey_only_gets_a_report(tmp_path):
    import shutil

    folder = tmp_path / "survey_only"
    folder.mkdir()
    for name in ("client.toml", "survey.csv"):
        shutil.copy(KIT_ROOT / "data" / "demo" / name, folder / name)
    lines: list[str] = []
    report = cxlib.cli.run(folder, tmp_path / "out", echo=lines.append)
    assert "  left out: 01_lifecycle_stage (lifecycle.csv not supplied)" in lines
    assert "  left out: 03_customer_journey (journey.csv not supplied)" in lines
    page = report.read_text(encoding="utf-8")
    lifecycle = page[page.index('id="chapter-lifecycle"'):page.index('id="chapter-scorecard"')]
    assert "<table" not in lifecycle and "<img" not in lifecycle  # one sentence says why, instead of the chapter
    assert 'id="summary"' in page and 'id="chapter-nps"' in page


def test_journey_chapter_without_mystery_shopping(tmp_path):
    import shutil

    folder = Path(shutil.copytree(KIT_ROOT / "data" / "demo", tmp_path / "no_visits"))
    (folder / "mystery_shopping.csv").unlink()
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    shutil.copy(KIT_ROOT / "notebooks" / "03_customer_journey.ipynb", notebooks)
    cxlib.cli.run(folder, tmp_path / "out", notebooks_dir=notebooks, echo=lambda *_: None)
    executed = nbformat.read(str(tmp_path / "out" / "03_customer_journey.ipynb"), as_version=4)
    printed = "".join(o.get("text", "") for c in executed.cells if c.cell_type == "code" for o in c.outputs
                      if o.output_type == "stream")
    assert "mystery_shopping.csv not supplied: no visits to score." in printed


@pytest.mark.parametrize("trouble", ["Kernel died before replying to kernel_info",
                                     "Kernel didn't respond in 60 seconds"])  # seen on a loaded machine
def test_a_kernel_that_dies_at_start_is_started_once_more(monkeypatch, tmp_path, trouble):
    import papermill

    calls = []

    def flaky(source, out, **kwargs):
        calls.append(out)
        assert kwargs["start_timeout"] >= 120
        if len(calls) == 1:
            raise RuntimeError(trouble)
        nbformat.write(source, out)

    monkeypatch.setattr(papermill, "execute_notebook", flaky)
    notebook = KIT_ROOT / "notebooks" / "00_start_here.ipynb"
    cxlib.cli.execute_notebook(notebook, tmp_path / "00.ipynb", KIT_ROOT / "data" / "demo")
    assert len(calls) == 2 and (tmp_path / "00.ipynb").is_file()


def test_a_kernel_that_never_starts_ends_in_the_kits_message(monkeypatch, tmp_path):
    import papermill

    def dead(source, out, **kwargs):
        raise RuntimeError("ZMQError: Address already in use")

    monkeypatch.setattr(papermill, "execute_notebook", dead)
    notebook = KIT_ROOT / "notebooks" / "00_start_here.ipynb"
    with pytest.raises(cxlib.cli.RunFailed, match="00_start_here.ipynb could not start its Python kernel"):
        cxlib.cli.execute_notebook(notebook, tmp_path / "00.ipynb", KIT_ROOT / "data" / "demo")


def test_a_run_lists_every_failing_notebook_and_writes_no_report(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    for name in ("01_first", "02_second", "03_fine"):
        book = nbformat.v4.new_notebook()
        book.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        params = nbformat.v4.new_code_cell('client_dir = "."')
        params.metadata["tags"] = ["parameters"]
        body = "print('ok')" if name == "03_fine" else f"raise ValueError('{name} broke')"
        book.cells = [params, nbformat.v4.new_code_cell(body)]
        nbformat.write(book, str(notebooks / f"{name}.ipynb"))
    out = tmp_path / "out"
    with pytest.raises(cxlib.cli.RunFailed) as failed:
        cxlib.cli.run(KIT_ROOT / "data" / "demo", out, notebooks, workers=2, echo=lambda *_: None)
    message = str(failed.value)
    assert message.startswith("2 of 3 notebooks failed, so no report was written:")
    assert "01_first.ipynb failed in cell 3 (ValueError: 01_first broke)" in message  # papermill adds a cell
    assert "02_second.ipynb failed" in message
    assert not out.exists() and not (tmp_path / "out-failed" / "report.html").exists()


def test_out_inside_the_client_folder_is_refused(demo_copy, capsys):
    before = {p.name: p.read_bytes() for p in demo_copy.iterdir()}
    assert main(["run", str(demo_copy), "--out", str(demo_copy)]) == 1
    assert main(["run", str(demo_copy), "--out", str(demo_copy / "report")]) == 1
    assert main(["export-comments", str(demo_copy), "--out", str(demo_copy / "survey.csv")]) == 1
    assert "the kit never writes there" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in demo_copy.iterdir()} == before


def test_a_second_run_into_the_same_folder_is_refused(tmp_path):
    import os

    out = tmp_path / "out"
    (tmp_path / ".out.lock").write_text(str(os.getppid()))  # a live process holds the lock
    with pytest.raises(ValueError, match=r"another cxkit run \(process \d+\) is writing"):
        cxlib.cli.run(KIT_ROOT / "data" / "demo", out, echo=lambda *_: None)
    assert not out.exists()


def test_a_failed_run_leaves_the_output_folder_as_it_was(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    book = nbformat.v4.new_notebook()
    book.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell('client_dir = "."')
    params.metadata["tags"] = ["parameters"]
    book.cells = [params, nbformat.v4.new_code_cell("raise ValueError('broke')")]
    nbformat.write(book, str(notebooks / "01_broken.ipynb"))
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.html").write_text("the last complete report")
    with pytest.raises(cxlib.cli.RunFailed, match="out-failed"):
        cxlib.cli.run(KIT_ROOT / "data" / "demo", out, notebooks, echo=lambda *_: None)
    assert (out / "report.html").read_text() == "the last complete report"
    assert (tmp_path / "out-failed" / "01_broken.ipynb").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notebooks", "out", "out-failed"]  # no lock, no staging


def test_terminal_escapes_in_client_text_are_printed_as_escapes(demo_copy, capsys):
    toml = (demo_copy / "client.toml").read_text(encoding="utf-8")
    (demo_copy / "client.toml").write_text(toml.replace('"Motorline Service"', '"Motorline\\u001b[2J\\u202e"'),
                                           encoding="utf-8")
    assert main(["check", str(demo_copy)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\u202e" not in out
    assert "Motorline\\x1b[2J\\u202e" in out
