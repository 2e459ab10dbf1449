#!/usr/bin/env python3
"""Reference values for the time-dependent accuracy metrics (issue 19):
scikit-survival's cumulative_dynamic_auc, brier_score / integrated_brier_score and
concordance_index_ipcw (Uno's C), with the censoring distribution estimated from the
evaluated data itself (survival_train = survival_test), as `arrears evaluate` does.

Run from the repository root:  python3 scripts/fixtures_time_dependent.py
Needs scikit-survival (made with 0.28.0) and numpy. Writes
Tests/ModelsTests/Fixtures/depth/time_dependent_*.json; the tests never run Python.

Data: the tie-heavy Cox fixture (whole days, heavy ties; Fixtures/cox/ties.csv) with the
risk score eta = 0.45 x1 - 0.68 x2 + 0.24 x3 + 0.2 x4 rounded to 2 decimals (so tied
scores occur) and the survival curve S(t | x) = exp(-(t / 150) * exp(eta)).
"""
import json
import numpy as np
from sksurv.metrics import (brier_score, concordance_index_ipcw, cumulative_dynamic_auc,
                            integrated_brier_score)
from sksurv.util import Surv

OUT = "Tests/ModelsTests/Fixtures/depth"
data = np.genfromtxt("Tests/ModelsTests/Fixtures/cox/ties.csv", delimiter=",", names=True)


def reference(name, rows, times, tau):
    d = data[rows]
    y = Surv.from_arrays(event=d["event"] == 1, time=d["time"])
    eta = np.round(0.45 * d["x1"] - 0.68 * d["x2"] + 0.24 * d["x3"] + 0.2 * d["x4"], 2)
    surv = np.exp(-np.outer(np.exp(eta), np.asarray(times, dtype=float) / 150.0))
    auc, mean_auc = cumulative_dynamic_auc(y, y, eta, times)
    _, bs = brier_score(y, y, surv, times)
    ibs = integrated_brier_score(y, y, surv, times)
    c = concordance_index_ipcw(y, y, eta, tau=tau)
    out = {"rows": [int(r) for r in rows], "times": [float(t) for t in times], "tau": float(tau),
           "risk": [float(v) for v in eta],
           "auc": [float(v) for v in auc], "mean_auc": float(mean_auc),
           "brier": [float(v) for v in bs], "integrated_brier": float(ibs),
           "uno_c": float(c[0])}
    with open(f"{OUT}/time_dependent_{name}.json", "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


# All 2000 accounts at the default horizons, truncated at the last one.
reference("ties", np.arange(2000), [30, 60, 90, 180], 180)
# 300 accounts, horizons that fall between event days.
reference("small", np.arange(300), [15.5, 45, 100, 250], 200)
