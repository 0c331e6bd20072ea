#!/usr/bin/env python3
"""Summarize one backend's contract run (LOGS = target/contract-logs/<backend>).

Reads schemathesis/events.ndjson, schemathesis.log, generate.log and
walk.json; writes LOGS/findings.json (every distinct finding with its
smallest reproducing request, for report.py) and prints the summary:
operations, cases, findings by kind, schema errors, generator warnings and
the walk's problems. Exit 1 when anything was found.
"""

import argparse
import base64
import collections
import json
import os
import re
import sys

DROP_HEADERS = {"user-agent", "accept", "accept-encoding", "connection", "content-length",
                "x-schemathesis-testcaseid", "host"}


def decode(content):
    if content is None:
        return None
    if isinstance(content, dict) and "$base64" in content:
        return base64.b64decode(content["$base64"])
    if isinstance(content, str):
        return content.encode()
    return json.dumps(content).encode()


def shell_quote(data: bytes) -> str:
    text = data.decode("utf-8", "replace") if data is not None else ""
    if all(c.isprintable() or c == " " for c in text) and "\ufffd" not in text:
        return "'" + text.replace("'", "'\\''") + "'"
    out = []
    for b in data:
        ch = chr(b)
        if ch == "'" or ch == "\\":
            out.append("\\" + ch)
        elif 0x20 <= b < 0x7F:
            out.append(ch)
        else:
            out.append(f"\\x{b:02x}")
    return "$'" + "".join(out) + "'"


def curl(request, base_url):
    method = request["method"].upper()
    uri = request["uri"]
    if base_url and uri.startswith(base_url):
        uri = "$BASE" + uri[len(base_url):]
    parts = ["curl -sS -i"]
    if method != "GET" or request.get("body") is not None:
        parts.append(f"-X {method}")
    for name, values in sorted((request.get("headers") or {}).items()):
        if name.lower() in DROP_HEADERS:
            continue
        for value in values if isinstance(values, list) else [values]:
            if name.lower() == "authorization" and ("Filtered" in value or value.startswith("Bearer ey")):
                parts.append('-H "Authorization: Bearer $TOKEN"')
            else:
                parts.append("-H " + shell_quote(f"{name}: {value}".encode()))
    body = decode(request.get("body"))
    if body is not None:
        parts.append("--data-binary " + shell_quote(body))
    parts.append(f'"{uri}"' if "$BASE" in uri else shell_quote(uri.encode()))
    return " ".join(parts)


def signature(failure):
    """What makes two failures of one operation the same finding."""
    message = failure.get("message") or ""
    first = message.split("\n", 1)[0].strip()
    code = failure.get("code") or failure.get("title")
    if code == "ST103":  # "Received: 400"
        return first, first
    if code == "ST108":
        m = re.search(r"Schema at (\S+?):", message)
        where = m.group(1) if m else "(inline schema)"
        return f"{where}", f"{first} — schema {where}"
    if code in ("ST100",) or "server error" in (failure.get("title") or "").lower():
        return first, first
    return first, first


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("logs")
    ap.add_argument("--elapsed", type=int, default=None)
    ap.add_argument("--schemathesis-status", type=int, default=None)
    ap.add_argument("--walk-status", type=int, default=None)
    ap.add_argument("--generate-status", type=int, default=None)
    args = ap.parse_args()
    logs = args.logs
    backend = os.path.basename(os.path.normpath(logs))
    info = {}
    try:
        for line in open(os.path.join(logs, "run-info.txt")):
            k, _, v = line.partition(": ")
            info[k.strip()] = v.strip()
    except OSError:
        pass
    base_url = info.get("base url")

    ops_total = ops_selected = None
    labels_tested = set()
    cases = 0
    findings = {}
    failing_checks = collections.Counter()
    errors = {}
    rejected = {}
    seed = None
    events_path = os.path.join(logs, "schemathesis", "events.ndjson")
    have_events = os.path.exists(events_path)
    if have_events:
        for line in open(events_path):
            try:
                ev = json.loads(line)
            except ValueError:
                continue
            if "Initialize" in ev:
                seed = ev["Initialize"].get("seed")
            elif "LoadingFinished" in ev:
                stat = ev["LoadingFinished"].get("statistic", {}).get("operations", {})
                ops_total, ops_selected = stat.get("total"), stat.get("selected")
            elif "NonFatalError" in ev:
                e = ev["NonFatalError"]
                value = e.get("value", {})
                msg = (value.get("message") or "").strip()
                key = (e.get("label"), value.get("type"), msg.split("\n")[0][:300])
                rec = errors.setdefault(key, dict(operation=e.get("label"), type=value.get("type"),
                                                  message=msg[:2000], phase=e.get("phase"), count=0))
                rec["count"] += 1
            elif "ScenarioFinished" in ev:
                s = ev["ScenarioFinished"]
                rec = s.get("recorder", {})
                rcases = rec.get("cases", {})
                cases += len(rcases)
                if rcases and re.match(r"^[A-Z]+ /", rec.get("label") or ""):
                    labels_tested.add(rec.get("label"))
                # Positive cases (valid per the schema) that the server refused as invalid:
                # schemathesis' "schema validation mismatch" warning, with evidence.
                for cid, case in rcases.items():
                    value = (case or {}).get("value") or {}
                    if ((value.get("meta") or {}).get("generation") or {}).get("mode") != "positive":
                        continue
                    interaction = (rec.get("interactions") or {}).get(cid) or {}
                    response = interaction.get("response") or {}
                    request = interaction.get("request")
                    if response.get("status_code") not in (400, 422) or not request:
                        continue
                    op = rec.get("label")
                    if not re.match(r"^[A-Z]+ /", op or "") and value.get("method") and value.get("path"):
                        op = f"{value['method'].upper()} {value['path']}"
                    r = rejected.setdefault(op, dict(operation=op, count=0, size=10**9, messages={}))
                    r["count"] += 1
                    try:
                        message = json.loads(decode(response.get("content")) or b"{}").get("message") or "?"
                    except (ValueError, AttributeError):
                        message = "(no JSON error body)"
                    message = str(message)[:160]
                    r["messages"][message] = r["messages"].get(message, 0) + 1
                    size = len(request["uri"]) + len(decode(request.get("body")) or b"")
                    if size < r["size"]:
                        body = decode(response.get("content")) or b""
                        r.update(size=size, curl=curl(request, base_url), status=response.get("status_code"),
                                 response_body=body.decode("utf-8", "replace")[:400])
                for cid, checks in (rec.get("checks") or {}).items():
                    for check in checks:
                        if check.get("status") != "failure":
                            continue
                        failure = (check.get("failure_info") or {}).get("failure") or {}
                        code = failure.get("code") or check.get("name")
                        operation = failure.get("operation") or rec.get("label")
                        sig, detail = signature(failure)
                        key = (code, operation, sig)
                        failing_checks[code] += 1
                        interaction = (rec.get("interactions") or {}).get(cid) or {}
                        request = interaction.get("request")
                        response = interaction.get("response") or {}
                        size = (len(request["uri"]) + len(decode(request.get("body")) or b"")) if request else 10**9
                        f = findings.get(key)
                        if f is None:
                            f = findings[key] = dict(code=code, title=failure.get("title") or check.get("name"),
                                                     check=check.get("name"), operation=operation,
                                                     signature=sig, detail=detail, count=0, size=10**9)
                        f["count"] += 1
                        if size < f["size"] and request:
                            body = decode(response.get("content"))
                            f.update(size=size, curl=curl(request, base_url),
                                     message=(failure.get("message") or "")[:1500],
                                     response_status=response.get("status_code"),
                                     response_body=(body or b"").decode("utf-8", "replace")[:400],
                                     phase=s.get("phase"),
                                     scenario=(((rcases.get(cid) or {}).get("value") or {}).get("meta") or {})
                                     .get("phase", {}).get("data", {}).get("description"))

    generated = None
    st_warnings = ""
    try:
        st_log = open(os.path.join(logs, "schemathesis.log")).read()
        m = re.findall(r"(\d+) generated", st_log)
        generated = int(m[-1]) if m else None
        m = re.search(r"=+ WARNINGS =+\n(.*?)\n=+ SUMMARY =+", st_log, re.S)
        st_warnings = m.group(1).strip() if m else ""
    except OSError:
        pass

    # Generator warnings: "WARNING parsing GET /x within tag. Endpoint will not be generated.\n\nReason"
    gen_warnings = []
    try:
        text = open(os.path.join(logs, "generate.log")).read()
        for m in re.finditer(r"WARNING parsing (\S+ \S+) within (\S+)\. (.*?)\n\n(.*?)\n", text):
            gen_warnings.append(dict(operation=m.group(1), effect=m.group(3).strip(), reason=m.group(4).strip()))
        for m in re.finditer(r"^(Unable to .*|Cannot .*|Could not .*)$", text, re.M):
            gen_warnings.append(dict(operation="-", effect=m.group(1), reason=""))
    except OSError:
        text = None
    walk = None
    try:
        walk = json.load(open(os.path.join(logs, "walk.json")))
    except (OSError, ValueError):
        pass

    out = dict(backend=backend, info=info, elapsed=args.elapsed, seed=seed,
               operations=dict(total=ops_total, selected=ops_selected, tested=len(labels_tested)),
               cases=generated if generated is not None else cases, cases_recorded=cases,
               schemathesis_status=args.schemathesis_status, walk_status=args.walk_status,
               generate_status=args.generate_status,
               findings=sorted(findings.values(), key=lambda f: (f["code"], f["operation"], f["signature"])),
               failing_checks=dict(failing_checks), errors=list(errors.values()),
               generator_warnings=gen_warnings, walk=walk, schemathesis_warnings=st_warnings,
               positive_rejected=sorted(rejected.values(), key=lambda r: r["operation"]))
    for r in out["positive_rejected"]:
        r.pop("size", None)
    for f in out["findings"]:
        f.pop("size", None)
    json.dump(out, open(os.path.join(logs, "findings.json"), "w"), indent=1)

    # ---- printed summary ----
    print(f"== contract summary: {backend} ==")
    if args.elapsed is not None:
        print(f"runtime: {args.elapsed}s")
    if not have_events:
        print("schemathesis: no event log (it did not run)")
    else:
        print(f"schemathesis: operations {ops_selected}/{ops_total} selected, {len(labels_tested)} tested; "
              f"{out['cases']} cases; seed {seed}")
        by_kind = collections.defaultdict(list)
        for f in out["findings"]:
            by_kind[(f["code"], f["title"])].append(f)
        if by_kind:
            print("findings by kind (distinct / failing checks / operations):")
            for (code, title), fs in sorted(by_kind.items()):
                print(f"  {code} {title}: {len(fs)} distinct, {failing_checks[code]} failing checks, "
                      f"{len({f['operation'] for f in fs})} operations")
        else:
            print("findings: none")
        if rejected:
            print(f"warning: {len(rejected)} operations refused (400/422) cases that are valid per the schema "
                  f"({sum(r['count'] for r in rejected.values())} cases): the schema is looser than the validation")
        if errors:
            kinds = collections.Counter(e["type"] for e in errors.values())
            print("errors (operations schemathesis could not test): "
                  + ", ".join(f"{k} x{n}" for k, n in kinds.items()))
            for e in errors.values():
                print(f"  {e['operation']}: {e['type']}: {e['message'].splitlines()[0][:160]}")
    if gen_warnings:
        print(f"openapi-python-client: {len(gen_warnings)} warnings")
        for w in gen_warnings:
            print(f"  {w['operation']}: {w['effect']} {w['reason']}")
    if walk:
        problems = walk.get("problems", [])
        kinds = collections.Counter(p["kind"] for p in problems)
        print(f"walk: {'sale completed ' + json.dumps(walk['sale']) if walk.get('sale') else 'FAILED: ' + str(walk.get('error'))[:500]}")
        for k, n in kinds.items():
            print(f"  {k}: {n} steps")
    elif args.walk_status is not None:
        print("walk: did not produce walk.json")

    bad = bool(findings) or bool(errors) or bool(gen_warnings) \
        or not walk or not walk.get("sale") or bool(walk.get("problems")) \
        or any(s not in (None, 0) for s in (args.schemathesis_status, args.walk_status, args.generate_status))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
