"""One row of bench/scale's table from a `plan --stats` file.

    python scale-row.py --header
    python scale-row.py SIZE BACKEND EXIT STATS.json "RAW_SECONDS OBJ STATUS" [PLAN.json [PLANTED.json]]
"""
import json
import os
import sys

COLUMNS = "size                 backend  exit  variables constraints  non-zeros   load  build  solve  extract verify   own   total  peak-MiB  raw-MIP  own/raw  machines  gap-%  vs-planted  solves (s)"

if sys.argv[1] == "--header":
    print(COLUMNS)
    sys.exit()

size, backend, code, path = sys.argv[1:5]
plan_path = sys.argv[6] if len(sys.argv) > 6 else ""
planted_path = sys.argv[7] if len(sys.argv) > 7 else ""
machines, gap, vs = "       -", "     -", "          -"
if plan_path and os.path.exists(plan_path):
    plan = json.load(open(plan_path))
    machines = f"{sum(o['count'] for o in plan['orders']):8d}"
    gap = f"{100 * plan['solver']['mip_gap']:6.3f}"
    if planted_path and os.path.exists(planted_path):
        planted = json.load(open(planted_path))["cost"]["total"]
        vs = f"{100 * (plan['cost']['total'] / planted - 1):+10.2f}%"
raw = sys.argv[5].split() if len(sys.argv) > 5 and sys.argv[5].strip() else []
stats = json.load(open(path))
s = stats["seconds"]
solves = stats["solves"]
# The whole-machine model: the MIP if one was solved, else the relaxation;
# with neither (found period by period), the plan's own count: the periods'
# models added up.
main = next((r for r in solves if r["purpose"] == "mip"), None) or next((r for r in solves if r["purpose"] == "relaxation"), None)
if main is None:
    solver = plan["solver"] if plan_path and os.path.exists(plan_path) else {}
    main = {"variables": solver.get("variables", 0), "constraints": solver.get("constraints", 0), "nonzeros": "-"}
by_purpose = {}
for r in solves:
    by_purpose[r["purpose"]] = by_purpose.get(r["purpose"], 0.0) + r["handoff_seconds"] + r["solve_seconds"]
breakdown = " ".join(f"{p}:{t:.1f}" for p, t in by_purpose.items())
peak = stats["peak_memory_bytes"] or 0
raw_s = f"{float(raw[0]):7.2f}" if raw and raw[0] != "-" else "      -"
ratio = f"{100 * s['own'] / float(raw[0]):6.1f}%" if raw and raw[0] != "-" and float(raw[0]) > 0 else "      -"
print(
    f"{size:<20} {backend:<8} {code:>4} {main['variables']:>10} {main['constraints']:>11} {main['nonzeros']:>10}"
    f" {s['load']:6.2f} {s['build']:6.2f} {s['handoff'] + s['solve']:6.1f} {s['read'] + s['extract']:8.2f} {s['verify']:6.2f}"
    f" {s['own']:5.2f} {s['total']:7.1f} {peak / 2**20:9.0f}  {raw_s}  {ratio}  {machines} {gap} {vs}  {breakdown}"
)
