#!/usr/bin/env python3
"""Merge the backends' findings.json (LOGS_ROOT/<backend>/findings.json) into
one Markdown report: every distinct schemathesis finding grouped by kind and
operation with its smallest reproducing request, the operations schemathesis
could not test, what openapi-python-client refused, and what the walk hit."""

import argparse
import collections
import datetime
import json
import os
import sys

BACKENDS = ("sqlite", "postgres")


def load(root):
    runs = {}
    for b in BACKENDS:
        try:
            runs[b] = json.load(open(os.path.join(root, b, "findings.json")))
        except (OSError, ValueError):
            pass
    return runs


def md(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("root")
    ap.add_argument("-o", "--out", required=True)
    args = ap.parse_args()
    runs = load(args.root)
    if not runs:
        print("no findings.json under", args.root, file=sys.stderr)
        return 1
    L = []
    w = L.append
    w("# Contract test report")
    w("")
    w(f"Generated {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M UTC} by `.ci/contract.d/report.py` "
      f"from `{os.path.relpath(args.root, os.path.dirname(os.path.abspath(args.out)) or '.')}/*/findings.json` "
      "(raw logs beside them). Re-run: `bash .ci/contract sqlite; bash .ci/contract postgres`.")
    w("")
    w("To replay a reproduction: start a server (`comptoir init …; comptoir serve …`), then")
    w("`BASE=http://127.0.0.1:PORT; TOKEN=$(curl -s -X POST $BASE/api/v1/auth/login -H 'content-type: application/json' "
      "-d '{\"email\":\"…\",\"password\":\"…\"}' | jq -r .access_token)`. Requests found in the stateful phase use ids "
      "an earlier request created: create such a resource first and put its id in the URL.")
    w("")

    # ---- summary ----
    w("## Summary")
    w("")
    w("| | " + " | ".join(runs) + " |")
    w("|---|" + "---|" * len(runs))
    def row(name, f):
        w(f"| {name} | " + " | ".join(md(f(r)) for r in runs.values()) + " |")
    row("binary", lambda r: r["info"].get("binary", "?"))
    row("runtime (whole script)", lambda r: f"{r['elapsed']} s" if r.get("elapsed") is not None else "?")
    row("operations selected / tested", lambda r: f"{r['operations']['selected']}/{r['operations']['total']} / {r['operations']['tested']}")
    row("generated cases", lambda r: r["cases"])
    row("seed", lambda r: r.get("seed"))
    kinds = sorted({(f["code"], f["title"]) for r in runs.values() for f in r["findings"]})
    for code, title in kinds:
        row(f"{code} {title} (distinct / failing checks)",
            lambda r, c=code: f"{sum(1 for f in r['findings'] if f['code'] == c)} / {r['failing_checks'].get(c, 0)}")
    if not any(f["code"] == "ST100" or f["check"] == "not_a_server_error" for r in runs.values() for f in r["findings"]):
        row("server errors (5xx)", lambda r: "none")
    row("schema errors (untestable operations)", lambda r: len(r["errors"]))
    row("warning: operations refusing schema-valid cases",
        lambda r: f"{len(r.get('positive_rejected', []))} ({sum(x['count'] for x in r.get('positive_rejected', []))} cases)")
    row("generator: operations not generated", lambda r: len(r["generator_warnings"]))
    row("walk (sale through the generated client)",
        lambda r: ("completed: " + json.dumps(r["walk"]["sale"])) if r.get("walk") and r["walk"].get("sale")
        else "FAILED: " + str((r.get("walk") or {}).get("error"))[:200])
    row("walk steps where the generated client failed",
        lambda r: f"{len({p['step'] for p in (r.get('walk') or {}).get('problems', [])})} of "
                  f"{len((r.get('walk') or {}).get('steps', []))}")
    w("")

    # ---- merge findings across backends ----
    merged = collections.OrderedDict()
    for b, r in runs.items():
        for f in r["findings"]:
            key = (f["code"], f["operation"], f["signature"])
            m = merged.setdefault(key, dict(f, backends=[], counts={}))
            m["backends"].append(b)
            m["counts"][b] = f["count"]
    by_kind = collections.defaultdict(list)
    for m in merged.values():
        by_kind[(m["code"], m["title"])].append(m)

    # ---- root causes for the big groups ----
    w("## Findings by kind")
    w("")
    if not by_kind:
        w("None: every check passed on every case (not_a_server_error, status_code_conformance, "
          "content_type_conformance, response_schema_conformance, response_headers_conformance).")
        w("")
    for (code, title), fs in sorted(by_kind.items()):
        ops = sorted({f["operation"] for f in fs})
        w(f"### {code} {title}: {len(fs)} distinct on {len(ops)} operations")
        w("")
        if code == "ST103":
            by_status = collections.defaultdict(list)
            for f in fs:
                by_status[f["signature"]].append(f["operation"])
            w("| received | operations |")
            w("|---|---|")
            for sig, o in sorted(by_status.items()):
                w(f"| {md(sig.replace('Received: ', ''))} | {len(o)} |")
            w("")
        if code == "ST108":
            by_schema = collections.defaultdict(set)
            for f in fs:
                by_schema[f["signature"]].add(f["operation"])
            w("| schema | operations |")
            w("|---|---|")
            for sig, o in sorted(by_schema.items()):
                w(f"| `{md(sig)}` | {', '.join(sorted(o))} |")
            w("")
        big = len(fs) > 40
        if big:
            w("<details><summary>every finding with a reproduction</summary>")
            w("")
        for f in sorted(fs, key=lambda f: (f["operation"], f["signature"])):
            where = ", ".join(f"{b} x{n}" for b, n in f["counts"].items())
            w(f"- **{f['operation']}** — {md(f['detail'])} ({where}; phase {f.get('phase')}"
              + (f"; {md(f['scenario'])}" if f.get("scenario") else "") + ")")
            if f.get("response_status") is not None:
                w(f"  - response {f['response_status']}: `{md(f.get('response_body', '')[:200])}`")
            if f.get("curl"):
                w("")
                w("  ```sh")
                w("  " + f["curl"])
                w("  ```")
        if big:
            w("")
            w("</details>")
        w("")

    # ---- valid-per-schema cases refused (warning, not a failing check) ----
    rej = collections.OrderedDict()
    for b, r in runs.items():
        for x in r.get("positive_rejected", []):
            m = rej.setdefault(x["operation"], dict(x, backends=[], messages={}))
            m["backends"].append(b)
            for msg, n in x.get("messages", {}).items():
                m["messages"][msg] = m["messages"].get(msg, 0) + n
    w(f"## Warning: cases valid per the schema that the server refused ({len(rej)} operations)")
    w("")
    w("Not a failing check (schemathesis reports it as \"schema validation mismatch\"): the document "
      "describes these inputs more loosely than the server validates them (free strings for numbers, "
      "enums and decimals, no bounds, parameters an operation rejects), so generated clients and "
      "fuzzers cannot know what is valid. Rejection messages, most common first:")
    w("")
    by_msg = collections.defaultdict(set)
    for op, m in rej.items():
        for msg in m["messages"]:
            by_msg[msg].add(op)
    w("| server message | operations |")
    w("|---|---|")
    for msg, ops in sorted(by_msg.items(), key=lambda kv: -len(kv[1]))[:40]:
        w(f"| `{md(msg)}` | {len(ops)}: {md(', '.join(sorted(ops)[:6]))}{' …' if len(ops) > 6 else ''} |")
    w("")
    if rej:
        w("<details><summary>one reproduction per operation</summary>")
        w("")
        for op, m in rej.items():
            w(f"- **{op}** — {m['count']} cases ({', '.join(m['backends'])}); smallest: {m['status']} "
              f"`{md(m['response_body'][:200])}`")
            w("")
            w("  ```sh")
            w("  " + m["curl"])
            w("  ```")
        w("")
        w("</details>")
        w("")
    for b, r in runs.items():
        if r.get("schemathesis_warnings"):
            w(f"<details><summary>schemathesis warnings ({b})</summary>")
            w("")
            w("```")
            w(r["schemathesis_warnings"])
            w("```")
            w("")
            w("</details>")
            w("")

    # ---- schema errors ----
    errs = collections.OrderedDict()
    for b, r in runs.items():
        for e in r["errors"]:
            key = (e["operation"], e["type"], e["message"].splitlines()[0] if e["message"] else "")
            errs.setdefault(key, dict(e, backends=[]))["backends"].append(b)
    w(f"## Operations schemathesis could not test ({len(errs)})")
    w("")
    if errs:
        w("| operation | error | backends |")
        w("|---|---|---|")
        for (op, typ, first), e in errs.items():
            w(f"| {md(op)} | {md(typ)}: {md(first[:200])} | {', '.join(e['backends'])} |")
    else:
        w("None.")
    w("")

    # ---- generated client ----
    w("## Generated Python client (openapi-python-client)")
    w("")
    gw = collections.OrderedDict()
    for b, r in runs.items():
        for g in r["generator_warnings"]:
            gw.setdefault((g["operation"], g["effect"], g["reason"]), []).append(b)
    w(f"### Generator warnings ({len(gw)})")
    w("")
    if gw:
        w("| operation | effect | reason | backends |")
        w("|---|---|---|---|")
        for (op, effect, reason), bs in gw.items():
            w(f"| {md(op)} | {md(effect)} | {md(reason)} | {', '.join(bs)} |")
    else:
        w("None.")
    w("")
    probs = collections.OrderedDict()
    for b, r in runs.items():
        walk = r.get("walk") or {}
        for p in walk.get("problems", []):
            probs.setdefault((p["kind"], p["operation"], p["detail"]), dict(p, backends=[]))["backends"].append(b)
    w(f"### Problems the walk hit ({len(probs)} distinct)")
    w("")
    if probs:
        w("| kind | operation (step) | detail | backends |")
        w("|---|---|---|---|")
        for (kind, op, detail), p in probs.items():
            w(f"| {md(kind)} | {md(op)} ({md(p['step'])}) | `{md(detail)}` | {', '.join(p['backends'])} |")
    else:
        w("None.")
    w("")
    for b, r in runs.items():
        walk = r.get("walk") or {}
        w(f"Walk on {b}: " + (f"completed, {json.dumps(walk.get('sale'))}" if walk.get("sale")
                              else f"FAILED: `{md(str(walk.get('error'))[:400])}`"))
        w("")
        if walk.get("steps"):
            w("| step | call | status | parsed by the generated model |")
            w("|---|---|---|---|")
            for s in walk["steps"]:
                w(f"| {md(s['step'])} | {md(s['operation'])} | {s['status']} | {'yes' if s['parsed_by_client'] else 'no'} |")
            w("")
        notes = walk.get("notes") or []
        if notes:
            w("Undeclared response fields:")
            for n in notes:
                w(f"- {md(n['operation'])}: {md(n['detail'])}")
            w("")

    with open(args.out, "w") as f:
        f.write("\n".join(L) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
