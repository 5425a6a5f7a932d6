"""The sanitiser, piece by piece: what a client's text becomes in the report, on a chart and in a spreadsheet.

Each expectation is written out by hand. ``tests/test_hostile.py`` checks the same defences end to end, on
whole reports and exports; here each function is checked alone, so a failure names the function at fault.
"""

from __future__ import annotations

import matplotlib
import pytest
from markupsafe import Markup

matplotlib.use("Agg")

import matplotlib.pyplot as plt

from cxlib.plots.words import as_drawn
from cxlib.privacy.export import spreadsheet_safe
from cxlib.report import _environment
from cxlib.wording import displayable

# --------------------------------------------------------------------------- displayable


@pytest.mark.parametrize("text, expected", [
    ("\x1b[31mred\x1b[0m", "[31mred[0m"),               # ESC: a terminal escape loses its teeth
    ("a\x00b\x07c\x08d", "abcd"),                        # NUL, BEL, backspace
    ("line\x0bfeed\x0cpage\rreturn", "linefeedpagereturn"),  # vertical tab, form feed, carriage return
    ("del\x7fete", "delete"),                            # DEL
    ("next\x85line\x9bcsi", "nextlinecsi"),              # C1 controls: NEL and the 8-bit CSI
    ("\u202eevil", "evil"),                              # RIGHT-TO-LEFT OVERRIDE would show "live"
    ("\u202aa\u202bb\u202cc\u202dd", "abcd"),            # the embeddings, the pop, the left-to-right override
    ("\u2066a\u2067b\u2068c\u2069", "abc"),              # the isolates
])
def test_displayable_drops_controls_and_bidi_overrides(text, expected):
    assert displayable(text) == expected


@pytest.mark.parametrize("text", ["pay\u200bpal", "pay\ufeffpal"])
def test_displayable_drops_zero_width_spaces(text):
    assert displayable(text) == "paypal"


@pytest.mark.parametrize("text", [
    "Запись по телефону: «долго ждали», 2 часа!",
    "Très bien — 10/10 :) 👍",
    "👨\u200d👩\u200d👧 family plan",                # zero-width joiners hold the emoji together
    "38\u2060–\u206044",                              # the kit's own word joiners keep a range on one line
    "tab\there\nnew line",                            # tab and newline are layout, not controls
    "<b>&amp; \"quoted\" 'single' {{ braces }} $5$",  # escaping is the template's job, not this one's
])
def test_displayable_keeps_ordinary_text(text):
    assert displayable(text) == text


@pytest.mark.parametrize("value, expected", [(12, "12"), (3.5, "3.5"), (-0.25, "-0.25"), (True, "True"),
                                             (["a", 1], "['a', 1]")])
def test_displayable_turns_other_values_to_text(value, expected):
    assert displayable(value) == expected


def test_displayable_uses_an_objects_own_text():
    class Named:
        def __str__(self) -> str:
            return "Named\x1b\u202e"

    assert displayable(Named()) == "Named"


# --------------------------------------------------------------------------- the report's templates


def render(template: str, **values: object) -> str:
    return _environment().from_string(template).render(**values)


def test_the_report_environment_escapes_and_cleans():
    environment = _environment()
    assert environment.autoescape is True
    assert environment.finalize is not None


@pytest.mark.parametrize("template, value, expected", [
    ("<p>{{ v }}</p>", "<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
    ('<img alt="{{ v }}">', '" onerror="alert(1)', '<img alt="&#34; onerror=&#34;alert(1)">'),
    ("<p title='{{ v }}'>", "' onmouseover='x", "<p title='&#39; onmouseover=&#39;x'>"),
    ("<p>{{ v }}</p>", "{{ 7 * 7 }} {% if true %}yes{% endif %}", "<p>{{ 7 * 7 }} {% if true %}yes{% endif %}</p>"),
    ("<p>{{ v }}</p>", "Fish & Chips", "<p>Fish &amp; Chips</p>"),
    ("<p>{{ v }}</p>", "\u202e<i>evil\x1b", "<p>&lt;i&gt;evil</p>"),
    ("<p>{{ v }}</p>", "Отлично 👍", "<p>Отлично 👍</p>"),
])
def test_a_value_is_printed_as_text(template, value, expected):
    assert render(template, v=value) == expected


def test_numbers_are_printed_as_text():
    assert render("{{ n }}|{{ x }}", n=42, x=2.5) == "42|2.5"


def test_markup_is_passed_through_as_it_is():
    """The kit's own HTML (the summary, the charts) comes as Markup: neither escaped nor rewritten."""
    assert render("<div>{{ v }}</div>", v=Markup("<b>bold</b> &amp;")) == "<div><b>bold</b> &amp;</div>"
    assert render("{{ v }}", v=Markup("<i>\u202ekept</i>")) == "<i>\u202ekept</i>"


def test_the_summary_fragment_is_cleaned_like_the_page():
    """The summary is rendered on its own, then set into the page as Markup: it must clean its values itself."""
    from cxlib.summary import _environment as summary_environment

    page = summary_environment().from_string("<p>{{ v }}</p>").render(v="Motor\u202eline\x1b <b>")
    assert page == "<p>Motorline &lt;b&gt;</p>"


# --------------------------------------------------------------------------- chart labels


@pytest.mark.parametrize("text, expected", [
    ("$x$", "\\$x\\$"),
    ("$5 off, $10 off", "\\$5 off, \\$10 off"),
    ("price \x1b[2J\u202e$", "price [2J\\$"),
    ("no dollars here", "no dollars here"),
])
def test_as_drawn_escapes_dollars_and_drops_controls(text, expected):
    assert as_drawn(text) == expected


def test_a_dollar_label_is_drawn_literally():
    """Matplotlib parses ``$x$`` as TeX by default; escaped, it draws the four characters as written."""
    figure, ax = plt.subplots()
    with matplotlib.rc_context({"text.parse_math": True}):
        literal = ax.text(0, 0, as_drawn("$x$"))
        maths = ax.text(0, 1, "$x$")
        assert literal._preprocess_math(literal.get_text()) == ("$x$", False)
        assert maths._preprocess_math(maths.get_text()) == ("$x$", True)  # unescaped: mathematics
        figure.canvas.draw()  # drawn without a mathtext error
    plt.close(figure)


# --------------------------------------------------------------------------- spreadsheet cells


@pytest.mark.parametrize("value, expected", [
    ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
    ('=HYPERLINK("http://evil.example","click")', '\'=HYPERLINK("http://evil.example","click")'),
    ("+7 999 123-45-67", "'+7 999 123-45-67"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
])
def test_a_cell_a_spreadsheet_would_compute_is_defused(value, expected):
    assert spreadsheet_safe(value) == expected


@pytest.mark.parametrize("value", ["plain comment", "a = b", "x+y", "e-mail me @ home", "'already quoted", "",
                                   "Отлично!", " =1+1"])
def test_other_text_is_left_alone(value):
    assert spreadsheet_safe(value) == value


@pytest.mark.parametrize("value", [5, -5, 2.5, None])
def test_a_number_is_not_text_and_is_left_alone(value):
    assert spreadsheet_safe(value) is value
