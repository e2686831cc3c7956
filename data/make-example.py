#!/usr/bin/env python3
"""Writes the example organisation's demand history.

The numbers are synthetic but shaped like real traffic: each service and
region has a base level and a quarterly growth rate; the history (2024Q1 to
2026Q4) carries seeded noise. The forecast the example plans with is made
from this history by headroom itself. Run from the repository root:

    python3 data/make-example.py
    cargo run -- forecast --history data/history.csv -o data/forecast.csv

It only needs the Python standard library, and writes the same bytes for
the same script.
"""
import random

REGIONS = ["us-east", "us-west", "eu-west"]

# service: (base demand in 2027Q1 per region, or None for demand with no
#           region; growth per quarter)
SERVICES = {
    "web-frontend": ({"us-east": 200_000, "us-west": 90_000, "eu-west": 120_000}, 0.035),
    "static-assets": ({"us-east": 80, "us-west": 35, "eu-west": 45}, 0.03),
    "search-frontend": ({"us-east": 40_000, "us-west": 15_000, "eu-west": 20_000}, 0.04),
    "search-index": ({"us-east": 6_000, "us-west": 2_000, "eu-west": 3_000}, 0.02),
    "search-indexer": (None, 0.03, 5_000),
    "payments-api": ({"us-east": 8_000, "us-west": 3_000, "eu-west": 5_000}, 0.05),
    "ledger-db": ({"us-east": 2_000, "eu-west": 1_200}, 0.05),
    "api-gateway": ({"us-east": 60_000, "us-west": 25_000, "eu-west": 35_000}, 0.04),
    "auth": ({"us-east": 20_000, "us-west": 8_000, "eu-west": 10_000}, 0.03),
    "user-profile": ({"us-east": 10_000, "us-west": 4_000, "eu-west": 5_000}, 0.03),
    "kv-store": ({"us-east": 50_000, "us-west": 20_000, "eu-west": 25_000}, 0.03),
    "blob-store": (None, 0.06, 2_400),
    "recommendations": ({"us-east": 30_000, "us-west": 12_000}, 0.05),
    "feature-store": ({"us-east": 5_000, "us-west": 2_000}, 0.05),
}

HISTORY = [f"{y}Q{q}" for y in (2024, 2025, 2026) for q in (1, 2, 3, 4)]


# All levels above are scaled by this, to size demand against the example
# fleet: tight enough by 2028 that the plan has orders to make.
SCALE = 2.4


def series():
    for name, spec in SERVICES.items():
        if spec[0] is None:
            yield name, "", spec[2] * SCALE, spec[1]
        else:
            for region in REGIONS:
                if region in spec[0]:
                    yield name, region, spec[0][region] * SCALE, spec[1]


def fmt(x):
    return f"{x:.0f}" if x >= 100 else f"{x:.2f}"


def main():
    rng = random.Random(2027)
    with open("data/history.csv", "w") as h:
        h.write("service,period,region,demand\n")
        for name, region, base, growth in series():
            for i, period in enumerate(HISTORY):
                steps = i - len(HISTORY)  # quarters before 2027Q1
                level = base * (1 + growth) ** steps
                noise = 1 + rng.gauss(0, 0.02)
                h.write(f"{name},{period},{region},{fmt(level * noise)}\n")


if __name__ == "__main__":
    main()
