#!/usr/bin/env python3
"""Aggregate BENCH lines into the table and results.json (bench/run).

    report.py RAW MACHINE NOTES JSON_OUT

RAW: everything the parts printed; only lines starting with "BENCH " count:
    BENCH figure=F impl=I metric=M value=V unit=U run=N [where=W]
MACHINE: "key: value" lines (the machine description).
NOTES: "part: text" lines, one per part not measured (or partly).
Groups the values by (figure, where, metric, impl): median, min, max and
the number of runs; for each (figure, where, metric) the ratio of ours to
every other implementation (medians; the implementation named "ours").
A figure whose lines say ref=R compares machines, not tools (bench/qemu.sh
machines): its ratios are every other implementation's median over R's.
Prints the table on stdout and writes JSON_OUT.
"""
import json
import statistics
import sys


def parse(path):
    rows = []
    for line in open(path, errors="replace"):
        if not line.startswith("BENCH "):
            continue
        f = {}
        for w in line.split()[1:]:
            k, eq, v = w.partition("=")
            if eq:
                f[k] = v
        try:
            f["value"] = float(f["value"])
        except (KeyError, ValueError):
            print("report.py: a BENCH line without a numeric value: " + line.strip(), file=sys.stderr)
            continue
        if not all(k in f for k in ("figure", "impl", "metric", "unit")):
            print("report.py: a BENCH line missing figure/impl/metric/unit: " + line.strip(), file=sys.stderr)
            continue
        f.setdefault("where", "host")
        f.setdefault("run", "?")
        rows.append(f)
    return rows


# what a bigger value means: lower is better for these units
def lower_is_better(unit):
    return unit in ("s", "MiB", "bytes")


def main():
    raw, machine_path, notes_path, out = sys.argv[1:5]
    machine = {}
    for line in open(machine_path):
        k, sep, v = line.rstrip("\n").partition(": ")
        if sep:
            machine[k] = v
    notes = []
    for line in open(notes_path):
        part, sep, text = line.rstrip("\n").partition(": ")
        if sep:
            notes.append({"part": part, "note": text})

    groups = {}
    refs = {}  # (figure, where) -> the implementation its ratios are against
    for r in parse(raw):
        if "ref" in r:
            refs[(r["figure"], r["where"])] = r["ref"]
        key = (r["figure"], r["where"], r["metric"], r["impl"])
        g = groups.setdefault(key, {"unit": r["unit"], "values": [], "runs": []})
        g["values"].append(r["value"])
        g["runs"].append(r["run"])

    def ref_of(fig, where):
        return refs.get((fig, where), "ours")

    figures = []
    # the reference (ours) first in each (figure, where, metric)
    for (fig, where, metric, impl), g in sorted(
            groups.items(), key=lambda kv: kv[0][:3] + (kv[0][3] != ref_of(*kv[0][:2]), kv[0][3])):
        v = g["values"]
        figures.append({
            "figure": fig, "where": where, "metric": metric, "impl": impl,
            "unit": g["unit"], "n": len(v), "median": statistics.median(v),
            "min": min(v), "max": max(v), "values": v,
        })

    ratios = []
    med = {(f["figure"], f["where"], f["metric"], f["impl"]): f for f in figures}
    for f in figures:
        ref = ref_of(f["figure"], f["where"])
        if f["impl"] == ref:
            continue
        o = med.get((f["figure"], f["where"], f["metric"], ref))
        if ref != "ours":
            if o and o["median"]:
                ratios.append({"figure": f["figure"], "where": f["where"], "metric": f["metric"],
                               "ref": ref, "this": f["impl"], "ratio": f["median"] / o["median"]})
        elif o and f["median"]:
            ratios.append({"figure": f["figure"], "where": f["where"], "metric": f["metric"],
                           "theirs": f["impl"], "ratio": o["median"] / f["median"]})

    # the table
    def num(x):
        if x == 0:
            return "0"
        if abs(x) >= 1e6:
            return "%.4g" % x
        if abs(x) >= 100:
            return "%.0f" % x
        if abs(x) >= 10:
            return "%.1f" % x
        return "%.3g" % x

    print("kexec-jump benchmarks: median (min-max) of n runs; ratio = ours / theirs (medians),"
          " or this machine / the reference machine (rt-* figures)")
    for k in ("cpu", "qemu", "host kernel", "compiler", "guest kernels", "sources", "date", "runs"):
        if k in machine:
            print("  %s: %s" % (k, machine[k]))
    hdr = "%-12s %-12s %-10s %-16s %12s %23s %3s  %s" % (
        "figure", "where", "metric", "impl", "median", "(min - max)", "n", "ours/this")
    print(hdr)
    print("-" * len(hdr))
    last = None
    for f in figures:
        gk = (f["figure"], f["where"], f["metric"])
        if last and gk[:2] != last[:2]:
            print()
        last = gk
        r = ""
        for x in ratios:
            if "ref" in x and (x["figure"], x["where"], x["metric"], x["this"]) == gk + (f["impl"],):
                r = "%.3gx of %s" % (x["ratio"], x["ref"])
        if f["impl"] != "ours":
            for x in ratios:
                if "theirs" in x and (x["figure"], x["where"], x["metric"], x["theirs"]) == gk + (f["impl"],):
                    better = (x["ratio"] < 1) == lower_is_better(f["unit"])
                    r = "%.3gx%s" % (x["ratio"], "" if x["ratio"] == 1 else
                                     (" (ours better)" if better else " (ours worse)"))
        # bytes shown in MB (10^6) in the table; results.json keeps bytes
        k, unit = (1e6, "MB") if f["unit"] == "bytes" else (1, f["unit"])
        print(("%-12s %-12s %-10s %-16s %10s %-4s %20s %3d  %s" % (
            f["figure"], f["where"], f["metric"], f["impl"], num(f["median"] / k), unit,
            "(%s - %s)" % (num(f["min"] / k), num(f["max"] / k)), f["n"], r)).rstrip())
    for n in notes:
        print("%s: %s" % (n["part"], n["note"]))
    short = [f for f in figures if f["n"] < int(machine.get("runs", "1"))]
    for f in short:
        print("note: %s %s %s %s has %d of %s runs (the others failed, see above)" % (
            f["figure"], f["where"], f["metric"], f["impl"], f["n"], machine.get("runs")))

    with open(out, "w") as fp:
        json.dump({"machine": machine, "figures": figures, "ratios": ratios, "notes": notes},
                  fp, indent=1)
        fp.write("\n")


if __name__ == "__main__":
    main()
