"""Privacy and safety for what the kit writes: masked contact details, pseudonymous ids, spreadsheet-safe text.

Customers write anything in a comment: their phone number, an e-mail address,
``<script>`` or ``=HYPERLINK(...)``. The kit keeps the client's files as they
are and treats comments as untrusted wherever it writes them:

* :func:`mask_pii` replaces e-mail addresses with ``[email]`` and phone numbers
  with ``[phone]``; :func:`mask_frame` does it for every text column of a table;
* :func:`pseudonymise` turns customer ids into keyed hashes, stable for one key;
* :func:`spreadsheet_safe` defuses cells a spreadsheet would run as a formula;
* HTML is escaped by the report (see :mod:`cxlib.report`).

What is masked
--------------
Matching runs on a normalised copy of the text (NFKC, so fullwidth ``＠`` and
fullwidth digits read as ``@`` and ``0-9``; zero-width and other invisible
format characters and the soft hyphen removed; every dash variant and the
non-breaking hyphen read as ``-``; every space as a space; ``%40`` and ``%2B``
in links read as ``@`` and ``+``), and the *original* characters of each match
are replaced, hidden ones included.

* E-mail addresses: ``ivan@mail.ru``, ``ivan @ mail.ru``, ``ivan%40mail.ru``
  in a link's query string, and the usual disguises when the result ends in a
  common top-level domain: ``ivan (at) mail (dot) ru``, ``ivan[at]mail[dot]com``,
  ``ivan(a)mail.ru``, ``ivan at mail dot com``, ``иван собака mail точка ру``.
  A bare English "at" counts only together with a spelled-out "dot", so
  "booked at booking.com" stays.
* Phone numbers: international ones written with ``+`` (8-15 digits:
  ``+7 912 345-67-89``, ``+44 (0)20 7946 0958``, ``+1 (555) 123-4567``);
  national ones of 10-15 digits in a phone's grouping (``8 (912) 345-67-89``,
  ``8-800-555-35-35``, ``(495) 123-45-67``, ``555.123.4567``, ``020 7946 0958``,
  ``912 345 67 89``); a bare run of 10-12 digits (``89123456789``,
  ``wa.me/447700900123``); and the Russian local form ``123-45-67``.

Where the kit writes survey text, it masks it: :func:`export_comments` masks
every text column it writes (ids included, unless they are pseudonymised),
the journey table masks the comment it quotes, and :func:`mask_frame` is there
for any other table on its way into a report or a notebook's output.

What is deliberately not masked, and why
----------------------------------------
* Ordinary numbers, which carry the diagnosis: prices (``1 250 000 000 руб.``,
  any thousands grouping), dates (``12.03.2025``, ``2025-03-12``), times,
  flight numbers (``SU 1234``), order numbers up to 9 digits, percentages,
  aircraft types (``Boeing 737-800``, ``777-200 3 class``), years, ratings
  (``9/10``), IP addresses, invoice and e-ticket numbers written
  ``2025-000123`` or ``555-1234567890``. Apart from ``123-45-67``, a phone
  needs 10 digits (8 after ``+``) in a phone's grouping.
* Numbers glued to a word (``SU1234567890``, ``C0001234567``): codes, not
  phones; a word such as ``тел`` or ``tel`` does not glue, nor does an
  invisible character between the word and the digits.
* The other way round, a bare 10-12-digit account, tax or ticket number
  (``555 1234567890`` keeps only its ``555``) reads ``[phone]``: it is the
  safe side, and such numbers say nothing about service.
* Names, street addresses, messenger handles (``@ivan``), card and passport
  numbers, and digits spelled out in words or one by one (``8 9 1 2 ...``):
  they are not contact details this module can find without guessing, and
  guessing would blank out ordinary text. A client who needs them gone must
  remove them before the survey reaches the kit.

Every pattern here has no quantifier inside another (possessive ones where a
run is read), each candidate is judged in a window of at most eight digit
groups, so masking takes time in proportion to the text's length: a
200,000-character comment of any make-up takes well under a second.

The package, by what each part does: :mod:`~cxlib.privacy.normalise`
prepares a text for matching, :mod:`~cxlib.privacy.emails` and
:mod:`~cxlib.privacy.phones` find contact details in it,
:mod:`~cxlib.privacy.masking` replaces them (:func:`mask_pii`,
:func:`mask_series`, :func:`mask_frame`) and :mod:`~cxlib.privacy.export`
writes what leaves the kit (:func:`pseudonymise`, :func:`spreadsheet_safe`,
:func:`export_comments`). Import from ``cxlib.privacy``: every name it had as
one module is re-exported here.

Examples
--------
>>> mask_pii("call me on +7 912 345-67-89 or ivan@example.ru")
'call me on [phone] or [email]'
>>> mask_pii("иван собака mail точка ру, рейс SU 1234 12.03.2025, 1 250 руб.")
'[email], рейс SU 1234 12.03.2025, 1 250 руб.'
"""

from __future__ import annotations

# Every name the single module had is here, its private helpers included (``import x as x``); a test that
# patches a helper patches it in its own module, where the functions that use it look it up.
from cxlib.privacy.emails import BARE_AT, COMMON_TLDS, EMAIL, OBFUSCATION, SPELLED_DOT
from cxlib.privacy.emails import _any_case as _any_case
from cxlib.privacy.emails import _disguise as _disguise
from cxlib.privacy.emails import _domain_end as _domain_end
from cxlib.privacy.emails import _email_spans as _email_spans
from cxlib.privacy.export import (
    EXPORT_COLUMNS,
    FORMULA_START,
    KEY_VARIABLE,
    export_comments,
    pseudonymise,
    spreadsheet_safe,
)
from cxlib.privacy.masking import EMAIL_TOKEN, PHONE_TOKEN, mask_frame, mask_pii, mask_series
from cxlib.privacy.masking import _is_text as _is_text
from cxlib.privacy.masking import _spans as _spans
from cxlib.privacy.normalise import _ASCII_SPACES as _ASCII_SPACES
from cxlib.privacy.normalise import _CHANGED as _CHANGED
from cxlib.privacy.normalise import _FORMS as _FORMS
from cxlib.privacy.normalise import _PERCENT_CHARS as _PERCENT_CHARS
from cxlib.privacy.normalise import _UNEVEN as _UNEVEN
from cxlib.privacy.normalise import DASHES, INVISIBLE, PERCENT
from cxlib.privacy.normalise import _form as _form
from cxlib.privacy.normalise import _Text as _Text
from cxlib.privacy.phones import _NO_DIGITS as _NO_DIGITS
from cxlib.privacy.phones import (
    DATE,
    DIGITS,
    MAX_GROUPS,
    NUMBER_RUN,
    PHONE_WORD,
    SPACED_SHAPES,
    UNIT_AFTER,
    UNIT_BEFORE,
    YEAR,
)
from cxlib.privacy.phones import _next_index as _next_index
from cxlib.privacy.phones import _phone_spans as _phone_spans
from cxlib.privacy.phones import _running as _running
from cxlib.privacy.phones import _Segment as _Segment
from cxlib.privacy.phones import _segment_phones as _segment_phones
from cxlib.privacy.phones import _word_character as _word_character

__all__ = ["BARE_AT", "COMMON_TLDS", "DASHES", "DATE", "DIGITS", "EMAIL", "EMAIL_TOKEN", "EXPORT_COLUMNS",
           "FORMULA_START", "INVISIBLE", "KEY_VARIABLE", "MAX_GROUPS", "NUMBER_RUN", "OBFUSCATION", "PERCENT",
           "PHONE_TOKEN", "PHONE_WORD", "SPACED_SHAPES", "SPELLED_DOT", "UNIT_AFTER", "UNIT_BEFORE", "YEAR",
           "export_comments", "mask_frame", "mask_pii", "mask_series", "pseudonymise", "spreadsheet_safe"]
