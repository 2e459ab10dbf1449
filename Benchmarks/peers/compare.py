#!/usr/bin/env python3
"""Side-by-side table of Arrears' stage times and its peers', as ratios, plus agreement
checks of the numbers. Usage: compare.py ARREARS.json PEERS.json R.json MEM.json > table.txt
(also writes the merged JSON to --out)."""
import argparse
import json

import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("arrears"); ap.add_argument("peers"); ap.add_argument("r"); ap.add_argument("mem")
ap.add_argument("--out")
a = ap.parse_args()
A, P, R, M = (json.load(open(f)) for f in (a.arrears, a.peers, a.r, a.mem))
t = lambda d, k: d["times"][k]["median"] if k in d["times"] else None

mb = (A["accounts_bytes"] + A["payments_bytes"]) / 1e6
read_feat = t(A, "read") + t(A, "features")
rows = [
    ("CSV → features", "Arrears read + features", read_feat, [("polars", t(P, "features_polars")), ("pandas", t(P, "features_pandas"))]),
    ("logistic fit", "Arrears LogisticRegression", t(A, "logistic"), [("scikit-learn newton-cholesky", t(P, "logistic_sklearn")), ("statsmodels Logit", t(P, "logistic_statsmodels"))]),
    ("Cox fit (Efron)", "Arrears CoxRegression", t(A, "cox"), [("lifelines CoxPHFitter", t(P, "cox_lifelines")), ("R coxph()", t(R, "cox_r_coxph")), ("R coxph.fit()", t(R, "cox_r_coxph_fit"))]),
    ("scoring (both models)", "Arrears via model APIs", t(A, "score"), [("numpy", t(P, "score_numpy"))]),
    ("scoring (both models)", "Arrears fused, 2 cores", t(A, "score_fused"), [("numpy", t(P, "score_numpy"))]),
]
out = []
out.append(f"portfolio: {A['n_accounts']} accounts, {A['n_statements']} statements, {mb:.1f} MB of CSV; {A['cores']} cores")
out.append(f"Arrears stages: read {t(A, 'read'):.3f} s ({mb / t(A, 'read'):.0f} MB/s)"
           + (f", one-pass reader {t(A, 'read_sequential'):.3f} s" if t(A, 'read_sequential') else "")
           + f", features {t(A, 'features'):.3f} s ({A['n_accounts'] / t(A, 'features') / 1e6:.2f} M accounts/s)")
out.append("")
out.append(f"{'stage':<22} {'Arrears':>9}   {'peer':<30} {'peer s':>9} {'peer/Arrears':>12}")
for stage, _, ours, peers in rows:
    for name, theirs in peers:
        if theirs is None: continue
        out.append(f"{stage:<22} {ours:>9.4f}   {name:<30} {theirs:>9.4f} {theirs / ours:>11.2f}×")
out.append("")
out.append("peak RSS, CSV → features: " + ", ".join(f"{k} {v / 1024:.0f} MB ({v * 1024 / (A['accounts_bytes'] + A['payments_bytes']):.2f}× input)" for k, v in M.items()))

# Agreement.
def rel(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300)))
checks = {}
same_names = A["features"]["names"] == P["features"]["names"]
checks["feature names equal"] = same_names
checks["feature column sums, max rel diff (polars vs Arrears)"] = rel(P["features"]["column_sums"], A["features"]["column_sums"]) if same_names else None
if "features_pandas_vs_polars_max_abs_diff" in P:
    checks["features pandas vs polars, max abs diff"] = P["features_pandas_vs_polars_max_abs_diff"]
checks["logistic n equal"] = A["logistic"]["n"] == P["logistic_sklearn"]["n"]
checks["logistic coef, max rel diff vs statsmodels"] = rel(A["logistic"]["params"], P["logistic_statsmodels"]["params"])
checks["logistic SE, max rel diff vs statsmodels"] = rel(A["logistic"]["bse"], P["logistic_statsmodels"]["bse"])
checks["logistic coef, max rel diff vs scikit-learn"] = rel(A["logistic"]["params"], P["logistic_sklearn"]["params"])
checks["Cox coef, max rel diff vs R coxph"] = rel(A["cox"]["coef"], R["cox_r"]["coef"])
checks["Cox SE, max rel diff vs R coxph"] = rel(A["cox"]["se"], R["cox_r"]["se"])
checks["Cox loglik, rel diff vs R coxph"] = rel([A["cox"]["loglik"]], [R["cox_r"]["loglik"]])
checks["Cox coef, max rel diff vs lifelines"] = rel(A["cox"]["coef"], P["cox_lifelines"]["coef"])
checks["score p, max abs diff (first 5, mean) vs numpy"] = max(float(np.max(np.abs(np.subtract(A["scores"]["p_head"], P["scores"]["p_head"])))), abs(A["scores"]["p_mean"] - P["scores"]["p_mean"]))
checks["score P(recovered by t), max abs diff (first 5, means) vs R survfit baseline"] = max(float(np.max(np.abs(np.subtract(A["scores"]["recovered_head"], R["scores"]["recovered_head"])))), float(np.max(np.abs(np.subtract(A["scores"]["recovered_mean"], R["scores"]["recovered_mean"])))))
checks["score P(recovered by t), max abs diff vs numpy with lifelines' Breslow baseline"] = max(float(np.max(np.abs(np.subtract(A["scores"]["recovered_head"], P["scores"]["recovered_head"])))), float(np.max(np.abs(np.subtract(A["scores"]["recovered_mean"], P["scores"]["recovered_mean"])))))
checks["fused vs API scores, max abs diff"] = A["scores"]["fused_max_abs_diff"]
out.append("")
out.append("agreement:")
for k, v in checks.items():
    out.append(f"  {k}: {v if isinstance(v, bool) or v is None else f'{v:.3g}'}")
out.append("")
out.append("versions: " + ", ".join(f"{k} {v}" for k, v in {**P["versions"], **R["versions"]}.items()))
print("\n".join(out))
if a.out:
    json.dump({"arrears": A, "peers": P, "r": R, "peak_rss_kb": M, "checks": checks}, open(a.out, "w"), indent=1)
