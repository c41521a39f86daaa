#!/usr/bin/python3
"""check_metrics FILE: is FILE valid Prometheus text exposition (0.0.4)?

Parses it with the reference parser (python3-prometheus-client) and checks
what that parser lets pass: every sample's family declared once with
# TYPE before its samples, label values free of raw quotes and newlines,
histogram buckets cumulative and ending with le="+Inf" equal to _count.
Prints one line per family (name, type, samples) and exits 1 on the first
problem.
"""
import re
import sys

from prometheus_client.parser import text_string_to_metric_families

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="[^"\\\n]*"'
                    r'(,[a-zA-Z_][a-zA-Z0-9_]*="[^"\\\n]*")*)?\})? (-?[0-9.eE+-]+|NaN|[+-]Inf)$')


def fail(msg):
    print("invalid: " + msg)
    sys.exit(1)


text = open(sys.argv[1], encoding="utf-8").read()
if not text.endswith("\n"):
    fail("no final newline")
declared = {}
for n, line in enumerate(text.splitlines(), 1):
    if line.startswith("# TYPE "):
        parts = line.split()
        if len(parts) != 4:
            fail(f"line {n}: bad TYPE line")
        if parts[2] in declared:
            fail(f"line {n}: {parts[2]} declared twice")
        declared[parts[2]] = parts[3]
        continue
    if line.startswith("#") or not line:
        continue
    m = SAMPLE.match(line)
    if not m:
        fail(f"line {n}: not a sample: {line}")
    name = m.group(1)
    family = re.sub(r"_(bucket|sum|count|total)$", "", name)
    if name not in declared and family not in declared and \
            re.sub(r"_(bucket|sum|count)$", "", name) not in declared:
        fail(f"line {n}: {name} has no TYPE before it")

families = list(text_string_to_metric_families(text))
for fam in families:
    if fam.type == "histogram":
        series = {}
        for s in fam.samples:
            key = tuple(sorted((k, v) for k, v in s.labels.items() if k != "le"))
            series.setdefault(key, {"buckets": [], "count": None})
            if s.name.endswith("_bucket"):
                series[key]["buckets"].append((s.labels["le"], s.value))
            elif s.name.endswith("_count"):
                series[key]["count"] = s.value
        for key, v in series.items():
            values = [b[1] for b in v["buckets"]]
            if values != sorted(values):
                fail(f"{fam.name}{dict(key)}: buckets not cumulative")
            if not v["buckets"] or v["buckets"][-1][0] != "+Inf":
                fail(f"{fam.name}{dict(key)}: no +Inf bucket last")
            if v["buckets"][-1][1] != v["count"]:
                fail(f"{fam.name}{dict(key)}: +Inf bucket differs from _count")
    print(f"{fam.name} {fam.type} {len(fam.samples)}")
