"""How long the questionnaire takes to read aloud, per language and path (espeak-ng, default speed).

    python -m tests.bench.reading_time [--file QUESTIONNAIRE.yaml]

Reads each asked question with its help text and options, as a screen reader would, through
`espeak-ng -v LANG --stdout`, and sums the audio length. A path is the questions one kind of
person is asked (the file's skip logic decides); "typical" is a person who drinks now and then,
uses no other substances and answers everything.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import wave
from pathlib import Path
from typing import Any

from portal.domain.questionnaire import Questionnaire, asked_items, default_path, load

PATHS: dict[str, dict[str, Any]] = {
    "typical (drinks, alcohol only)": {
        "age_band": "25_64",
        "audit_c_1": "2_4_month",
        "substances": ("alcohol",),
    },
    "no alcohol, no drugs": {"age_band": "25_64", "audit_c_1": "never", "substances": ("none",)},
    "uses drugs, not opioids": {
        "age_band": "25_64",
        "audit_c_1": "2_4_month",
        "substances": ("alcohol", "cannabis"),
    },
    "longest (opioids)": {
        "age_band": "25_64",
        "audit_c_1": "2_4_month",
        "substances": ("alcohol", "opioids"),
    },
}
VOICES = {"fi": "fi", "sv": "sv", "en": "en"}


def seconds(text: str, lang: str) -> float:
    audio = subprocess.run(
        ["espeak-ng", "-v", VOICES[lang], "--stdout", text],
        check=True,
        capture_output=True,
    ).stdout
    with wave.open(io.BytesIO(audio)) as sound:
        # Written to a pipe, the header cannot hold the length: count the bytes after it.
        frame = sound.getsampwidth() * sound.getnchannels()
        return (len(audio) - 44) / frame / sound.getframerate()


def spoken(q: Questionnaire, answers: dict[str, Any], lang: str) -> str:
    parts = []
    for item in asked_items(q, answers):
        parts.append(item.text[lang])
        if item.help is not None:
            parts.append(item.help[lang])
        parts += [option.text[lang] for option in item.options]
    return "\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--file", type=Path, default=default_path())
    q = load(parser.parse_args().file)
    for name, answers in PATHS.items():
        count = len(asked_items(q, answers))
        times = []
        for lang in VOICES:
            total = round(seconds(spoken(q, answers, lang), lang))
            times.append(f"{lang} {total // 60} min {total % 60:02d} s")
        print(f"{name}: {count} questions; " + ", ".join(times))


if __name__ == "__main__":
    main()
