"""What the hall display says when a ticket is called, and speaking it with espeak-ng.

The sentence comes from a template the administrator may change (the setting
``announce_template``, with ``{number}`` and ``{window}``); an empty or broken template
gives the program's standard sentence, so a typo never silences the hall. A recall is
the same sentence after ``再次呼叫：``.

The ticket number is spoken character by character ("A 0 1 2"): run together, both
Qt's voices and espeak-ng read "A012" as "A 零 十二", which a citizen holding a ticket
printed A012 does not recognise as theirs. The window number is left whole (12 号窗口
is "十二号窗口", as people say it).

Qt's text-to-speech is used by the GUI where the system has a Chinese voice; this module
is the fallback through espeak-ng (a separate program, so nothing here needs Qt).
"""

from __future__ import annotations

import functools
import logging
import shutil
import string
import subprocess
from pathlib import Path

from hall.core.errors import HallError, ValidationError, os_reason
from hall.core.i18n import N_, _

log = logging.getLogger(__name__)

DEFAULT_TEMPLATE = N_("请 {number} 号到 {window} 号窗口办理")
FIELDS = ("number", "window")
#: Longest a synthesis may take; a sentence takes well under a second.
SYNTH_TIMEOUT_SECONDS = 20
#: espeak-ng's Mandarin voices, best first. espeak-ng 1.51's ``cmn`` reads Chinese
#: characters as English-spoken pinyin with tone numbers ("请" → "king three",
#: espeak-ng issue #1236); ``cmn-latn-pinyin`` reads them right. ``zh`` is the name
#: before 1.51.
ESPEAK_VOICES = ("cmn-latn-pinyin", "cmn", "zh")


def default_template() -> str:
    """The standard sentence in the program's language."""
    return _(DEFAULT_TEMPLATE)


def check_template(template: str) -> None:
    """Refuse a template the display could not say: braces that do not pair, a field other
    than ``{number}`` and ``{window}``, or no ``{number}`` at all. An empty template is
    fine (it means the standard sentence). Raises ``ValidationError``."""
    if not template.strip():
        return
    try:
        names = [name for _text, name, _spec, _conv in string.Formatter().parse(template)]
    except ValueError as exc:
        raise ValidationError(
            _("播报模板中的花括号不成对：字段须写成 {number} 或 {window}。"),
            field="announce_template",
        ) from exc
    for name in names:
        if name is not None and name not in FIELDS:
            raise ValidationError(
                _(
                    "播报模板中有未知字段“{{{name}}}”："
                    "只能使用 {{number}}（号码）和 {{window}}（窗口）。"
                ).format(name=name),
                field="announce_template",
            )
    if "number" not in names:
        raise ValidationError(
            _("播报模板中没有 {number}：叫号时须说出号码。"), field="announce_template"
        )
    try:  # a format spec such as {number:d} still fails on the values themselves
        template.format(number="A 0 1 2", window="3")
    except (ValueError, TypeError) as exc:
        raise ValidationError(
            _("播报模板无法使用：{reason}").format(reason=exc), field="announce_template"
        ) from exc


def spoken_number(number: str) -> str:
    """``A012`` as it should be read out: ``A 0 1 2`` (see the module's docstring)."""
    return " ".join(number.replace(" ", ""))


def announcement(template: str, number: str, window: str, *, recall: bool = False) -> str:
    """The sentence announcing ticket ``number`` at ``window``, e.g.
    ``请 A 0 1 2 号到 3 号窗口办理``; a recall says ``再次呼叫：`` first. An empty template
    means the standard sentence; a broken one is logged and replaced by it."""
    chosen = template if template.strip() else default_template()
    try:
        check_template(chosen)
    except ValidationError as exc:
        log.warning(
            "announce template %r unusable (%s); the standard sentence is used", template, exc
        )
        chosen = default_template()
    sentence = chosen.format(number=spoken_number(number), window=window)
    if recall:
        return _("再次呼叫：{announcement}").format(announcement=sentence)
    return sentence


def espeak_available() -> bool:
    """Whether the espeak-ng program is installed here."""
    return shutil.which("espeak-ng") is not None


@functools.cache
def espeak_voice() -> str:
    """The best Mandarin voice of the installed espeak-ng (asked once)."""
    try:
        listing = subprocess.run(
            ["espeak-ng", "--voices"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        log.info("could not list espeak-ng voices: %s", exc)
        listing = ""
    installed = {line.split()[1].lower() for line in listing.splitlines()[1:] if line.split()[1:]}
    return next((v for v in ESPEAK_VOICES if v in installed), "cmn")


def speak_command(text: str) -> list[str]:
    """The command that says ``text`` aloud through espeak-ng (``--``: a sentence starting
    with a dash is not an option)."""
    return ["espeak-ng", "-v", espeak_voice(), "--", text]


def synthesize(text: str, path: Path) -> Path:
    """Write ``text`` spoken in Mandarin to the WAV file ``path`` with espeak-ng; returns
    ``path``. Raises ``HallError`` if espeak-ng is missing, fails or takes too long."""
    program = shutil.which("espeak-ng")
    if program is None:
        raise HallError(_("未安装 espeak-ng，无法生成语音。请安装 espeak-ng 或系统的中文语音。"))
    argv = [program, "-v", espeak_voice(), "-w", str(path), "--", text]
    try:
        done = subprocess.run(
            argv, capture_output=True, text=True, timeout=SYNTH_TIMEOUT_SECONDS, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise HallError(
            _("espeak-ng 在 {seconds} 秒内未生成语音。").format(seconds=SYNTH_TIMEOUT_SECONDS)
        ) from exc
    except OSError as exc:
        raise HallError(_("无法运行 espeak-ng：{reason}").format(reason=os_reason(exc))) from exc
    if done.returncode != 0 or not path.is_file():
        log.warning("espeak-ng failed (%s): %s", done.returncode, done.stderr.strip())
        raise HallError(
            _("espeak-ng 未能生成语音（退出码 {code}）：{detail}").format(
                code=done.returncode, detail=done.stderr.strip() or _("没有说明")
            )
        )
    return path
