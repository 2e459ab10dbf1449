#!/usr/bin/env python3
"""`arrears rank` / `arrears score` end to end, the polars or pandas + scikit-learn +
lifelines way (DESIGN §9: Arrears ≤ 0.15× this pipeline).

  rank_peers.py ACCOUNTS PAYMENTS --models DIR [--fit] [--repeat 1] [--out DIR]
                [--engine pandas|polars] [--job rank|score]

`--engine` picks who reads the CSV files, builds the features and writes the output:
pandas (scripts/features_reference.py, as in run_peers.py) or polars (features_polars.py,
lazy, all cores). `--job score` stops after step 2 and writes every account's scores
(p, P(recovered by 30/60/90/180), median days, points, EV) to one CSV, as `arrears score`
does.

What is compared. `arrears rank --model M` reads both CSV files, builds the model's
features, scores both models, classifies every account (do not contact, not worth
pursuing, deferred, worklist), ranks the worklist and writes it. The peer pipeline here
does the same day's job with models fitted beforehand on the same portfolio (`--fit`
fits and pickles them: scikit-learn LogisticRegression(solver="newton-cholesky") on the
90-day label, lifelines CoxPHFitter (Efron) on every account), then, timed:

  1. pandas or polars reads both CSVs and builds the DESIGN §3 core features;
  2. scikit-learn predict_proba (p), lifelines predict_survival_function at 30/60/90/180
     days (P(recovered by t) = 1 − S), the median days from lifelines' baseline
     (first time with S ≤ ½, numpy searchsorted — lifelines' own predict_median builds an
     n × times matrix, ~3 GB at 1M accounts, which would be a strawman);
  3. score points, EV = balance × p (recovery rate 1), net = EV − 5, the classes of
     Arrears' default policy (hold flags and time-barred > not worth pursuing: net < 0 or a
     chronic defaulter — days past due ≥ 180 or 12 months without payment — with p < 0.05 >
     deferred: ≥ 7 calls in 7 days or a conversation within 7 days > worklist), the
     worklist sorted by net value (ties: higher p, then account_id) and cut at 500, the
     rest deferred as over capacity;
  4. writes the worklist and the holds CSV.

The peer's features are the 17 core ones (the peer model has fewer columns than Arrears'
26, which favours the peer). Prints one JSON object: times per step and in total, class
counts, versions.
"""
import argparse
import json
import os
import pickle
import sys
import time

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts"))
sys.path.insert(0, HERE)
from run_peers import pandas_features  # noqa: E402

HORIZONS = [30, 60, 90, 180]
AS_OF = pd.Timestamp("2026-01-01")


def fit(accounts, payments, models):
    """Fits both peer models on every account of the portfolio and pickles them."""
    from lifelines import CoxPHFitter
    from sklearn.linear_model import LogisticRegression
    ids, names, X = pandas_features(accounts, payments)
    keep = [j for j in range(X.shape[1]) if np.ptp(X[:, j]) > 0]
    names = [names[j] for j in keep]
    X = np.ascontiguousarray(X[:, keep])
    lab = pd.read_csv(accounts, usecols=["account_id", "days_to_recovery", "recovered"], dtype={"account_id": str})
    lab = lab.drop_duplicates("account_id").set_index("account_id").reindex(ids)
    T, E = lab["days_to_recovery"].to_numpy(float), lab["recovered"].to_numpy(float)
    y = np.full(len(T), np.nan)
    y[(E == 1) & (T <= 90)] = 1.0
    y[T > 90] = 0.0
    rows = ~np.isnan(y)
    logit = LogisticRegression(solver="newton-cholesky", penalty=None, tol=1e-10, max_iter=100).fit(X[rows], y[rows])
    df = pd.DataFrame(X, columns=names)
    df["T"], df["E"] = T, E
    cox = CoxPHFitter().fit(df, duration_col="T", event_col="E")
    os.makedirs(models, exist_ok=True)
    with open(os.path.join(models, "peer-models.pkl"), "wb") as f:
        pickle.dump({"names": names, "logistic": logit, "cox": cox}, f)


def peer_features(engine, accounts, payments):
    """(ids, names, X, account columns as numpy) with pandas or polars."""
    cols = ["balance", "days_past_due", "last_payment_date", "calls_last_7d", "last_conversation_date",
            "bankruptcy", "cease_and_desist", "dispute", "deceased"]
    if engine == "pandas":
        ids, names, X = pandas_features(accounts, payments)
        acc = pd.read_csv(accounts, dtype=str, keep_default_na=False).drop_duplicates("account_id")
        acc = acc.set_index("account_id").reindex(ids)
        present = [c for c in cols if c in acc]
        raw = {c: acc[c].to_numpy() for c in present}
        for c in ("last_payment_date", "last_conversation_date"):
            if c in raw:
                raw[c] = pd.to_datetime(acc[c], errors="coerce").to_numpy("datetime64[D]")
        return ids, names, X, raw
    import polars as pl
    from features_polars import features
    ids, names, X = features(accounts, payments)
    acc = pl.read_csv(accounts, infer_schema=False).unique(subset="account_id", keep="first", maintain_order=True)
    acc = pl.DataFrame({"account_id": ids}).join(acc, on="account_id", how="left", maintain_order="left")
    present = [c for c in cols if c in acc.columns]
    raw = {c: acc[c].to_numpy() for c in present}
    for c in ("last_payment_date", "last_conversation_date"):
        if c in raw:
            raw[c] = acc[c].str.to_date("%Y-%m-%d", strict=False).to_numpy().astype("datetime64[D]")
    return ids, names, X, raw


def _offset(days, offset):
    s = pd.Series(pd.to_datetime(days))
    return (s + offset).to_numpy("datetime64[D]")


def run(job, engine, accounts, payments, models, out):
    """The timed pipeline; returns (step times, class counts)."""
    times = {}
    t0 = time.perf_counter()
    with open(os.path.join(models, "peer-models.pkl"), "rb") as f:
        m = pickle.load(f)
    ids, names, X, acc = peer_features(engine, accounts, payments)
    col = {n: j for j, n in enumerate(names)}
    X = np.ascontiguousarray(X[:, [col[n] for n in m["names"]]])
    t1 = time.perf_counter()
    times["read_features"] = t1 - t0

    p = m["logistic"].predict_proba(X)[:, 1]
    df = pd.DataFrame(X, columns=m["names"])
    surv = m["cox"].predict_survival_function(df, times=HORIZONS).to_numpy().T      # n × horizons
    recovered = 1 - surv
    base = m["cox"].baseline_cumulative_hazard_["baseline cumulative hazard"]
    risk = m["cox"].predict_partial_hazard(df).to_numpy()
    # Median: first baseline time with H0(t)·risk ≥ ln 2.
    k = np.searchsorted(base.to_numpy(), np.log(2) / risk, side="left")
    tgrid = np.append(base.index.to_numpy(float), np.nan)
    median = tgrid[np.minimum(k, len(base))]
    points = 600 + 40 / np.log(2) * np.log(p / (1 - p))
    t2 = time.perf_counter()
    times["score"] = t2 - t1

    bal = pd.to_numeric(pd.Series(acc["balance"]), errors="coerce").to_numpy(float)
    ev = bal * p
    net = ev - 5.0
    columns = {"account_id": ids, "balance": bal, "p_recover": p, "expected_value": ev, "net_value": net,
               "median_days": median, "score_points": points}
    for h, t in enumerate(HORIZONS):
        columns[f"p_recovered_{t}d"] = recovered[:, h]
    if job == "score":
        os.makedirs(out, exist_ok=True)
        write(engine, columns, os.path.join(out, "peer-scores.csv"))
        t3 = time.perf_counter()
        times["write"] = t3 - t2
        times["total"] = t3 - t0
        return times, {"scored": len(ids)}

    as_of = np.datetime64("2026-01-01")
    flag = lambda c: (acc[c] == "1") if c in acc else np.zeros(len(ids), bool)
    last_pay = acc["last_payment_date"]
    barred = ~np.isnat(last_pay) & (_offset(last_pay, pd.DateOffset(years=3)) <= as_of)
    dnc = flag("bankruptcy") | flag("cease_and_desist") | flag("dispute") | flag("deceased") | barred
    dpd = pd.to_numeric(pd.Series(acc["days_past_due"]), errors="coerce").to_numpy(float)
    months_without = np.isnat(last_pay) | (_offset(last_pay, pd.DateOffset(months=12)) <= as_of)
    chronic = (dpd >= 180) | months_without
    nwp = ~dnc & ((net < 0) | (chronic & (p < 0.05)))
    calls = pd.to_numeric(pd.Series(acc["calls_last_7d"]), errors="coerce").fillna(0).to_numpy()
    conv = acc["last_conversation_date"]
    recent = ~np.isnat(conv) & ((as_of - conv).astype("timedelta64[D]").astype(float) <= 7)
    deferred = ~dnc & ~nwp & ((calls >= 7) | recent)
    eligible = ~dnc & ~nwp & ~deferred
    # Worklist order: net value down, then p down, then account_id up.
    idx = np.flatnonzero(eligible)
    order = idx[np.lexsort((np.asarray(ids, dtype=object)[idx], -p[idx], -net[idx]))]
    top = order[:500]
    cls = np.where(dnc, "do_not_contact", np.where(nwp, "not_worth_pursuing", np.where(deferred, "deferred", "worklist")))
    cls[order[500:]] = "deferred"
    t3 = time.perf_counter()
    times["classify_rank"] = t3 - t2

    os.makedirs(out, exist_ok=True)
    worklist = {"rank": np.arange(1, len(top) + 1)}
    worklist.update({k: (np.asarray(v, dtype=object)[top] if k == "account_id" else np.asarray(v)[top])
                     for k, v in columns.items()})
    write(engine, worklist, os.path.join(out, "peer-worklist.csv"))
    held = np.flatnonzero(cls != "worklist")
    holds = {"class": cls[held]}
    holds.update({k: (np.asarray(v, dtype=object)[held] if k == "account_id" else np.asarray(v)[held])
                  for k, v in columns.items()})
    write(engine, holds, os.path.join(out, "peer-worklist-holds.csv"))
    t4 = time.perf_counter()
    times["write"] = t4 - t3
    times["total"] = t4 - t0
    counts = {c: int(n) for c, n in zip(*np.unique(cls, return_counts=True))}
    counts["worklist"] = len(top)
    return times, counts


def write(engine, columns, path):
    """CSV with six decimals, by the engine's own writer."""
    if engine == "pandas":
        pd.DataFrame(columns).to_csv(path, index=False, float_format="%.6f")
    else:
        import polars as pl
        frame = pl.DataFrame({k: (list(v) if k == "account_id" or k == "class" else v) for k, v in columns.items()})
        frame.write_csv(path, float_precision=6)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("accounts")
    ap.add_argument("payments")
    ap.add_argument("--models", required=True, help="directory of peer-models.pkl")
    ap.add_argument("--fit", action="store_true", help="fit and pickle the models first (not timed)")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--out", default="/tmp/arrears-rank-peers")
    ap.add_argument("--engine", choices=["pandas", "polars"], default="pandas",
                    help="who reads the CSV, builds the features and writes the output")
    ap.add_argument("--job", choices=["rank", "score"], default="rank",
                    help="rank: classes + worklist + holds; score: every account's scores to one CSV")
    a = ap.parse_args()
    if a.fit:
        fit(a.accounts, a.payments, a.models)
    runs = [run(a.job, a.engine, a.accounts, a.payments, a.models, a.out) for _ in range(a.repeat)]
    import sklearn, lifelines
    res = {"job": a.job, "engine": a.engine, "runs": [r[0] for r in runs], "total_median": float(np.median([r[0]["total"] for r in runs])),
           "counts": runs[-1][1],
           "versions": {"python": sys.version.split()[0], "numpy": np.__version__, "pandas": pd.__version__,
                        "scikit-learn": sklearn.__version__, "lifelines": lifelines.__version__}}
    if a.engine == "polars":
        import polars
        res["versions"]["polars"] = polars.__version__
    json.dump(res, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
