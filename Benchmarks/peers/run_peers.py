#!/usr/bin/env python3
"""The Python peers of Arrears' stages on one portfolio; prints one JSON object.

  run_peers.py ACCOUNTS PAYMENTS --design OUT.bin [--repeat 3] [--skip-pandas]

Stages (wall time and process CPU time, each repeated --repeat times except pandas
features, run once):
  features_pandas   CSV → DESIGN §3 core features, scripts/features_reference.py (pandas)
  features_polars   the same in polars (features_polars.py, lazy, all cores)
  logistic_sklearn  LogisticRegression(solver="newton-cholesky", no penalty, tol 1e-10)
  logistic_statsmodels  sm.Logit(...).fit(method="newton", tol 1e-10)
  cox_lifelines     CoxPHFitter() (Efron ties) on every account
  score_numpy       logistic probability + Cox P(recovered by 30/60/90/180) with numpy
Label (as Arrears and scripts/fixtures_data_sample.py): recovered within 90 days = 1,
days_to_recovery > 90 = 0, accounts censored before 90 days left out of the logistic fit.
Constant feature columns are dropped (as Arrears' FeatureSpec does). The design matrix is
written to --design (float64, column-major, then time, event) for cox.R.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts"))
sys.path.insert(0, HERE)
import features_reference as ref  # noqa: E402
import features_polars  # noqa: E402

HORIZONS = [30, 60, 90, 180]


def timed(fn, repeat):
    """Wall seconds (median, all) and process CPU seconds (all threads: "cpu", least
    "cpu_min"); on a shared machine the CPU seconds are the steadier figure."""
    times, cpu, out = [], [], None
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        out = fn()
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return out, {"median": float(np.median(times)), "all": times, "cpu": cpu, "cpu_min": float(min(cpu))}


def pandas_features(accounts, payments, as_of="2026-01-01"):
    acc = ref.valid_accounts(ref.read_csv(accounts))
    pay = ref.valid_payments(ref.read_csv(payments), set(acc["account_id"]))
    hist, _ = ref.history_features(pay, pd.Timestamp(as_of))
    out = pd.DataFrame({"account_id": acc["account_id"]})
    out["log_balance"] = np.log1p(acc["balance_num"])
    out["dpd_months"] = acc["dpd_num"] / 30
    lim = acc["limit_num"]
    out["utilization"] = np.where(lim > 0, acc["balance_num"] / lim.where(lim > 0, 1), 0.0)
    h = hist.reindex(acc["account_id"])
    for name in ref.CORE[3:]:
        default = 24.0 if name == "months_since_payment" else 0.0
        out[name] = h[name].fillna(default).astype(float).to_numpy()
    for name, col in ref.product_columns(acc["product"], 20).items():
        out[name] = col.to_numpy()
    names = [c for c in out.columns if c != "account_id"]
    return out["account_id"].tolist(), names, out[names].to_numpy(dtype=float)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("accounts")
    ap.add_argument("payments")
    ap.add_argument("--design", required=True)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-pandas", action="store_true")
    a = ap.parse_args()
    res = {"times": {}}
    import polars as pl, sklearn, statsmodels, lifelines, scipy
    res["versions"] = {"python": sys.version.split()[0], "numpy": np.__version__, "pandas": pd.__version__,
                       "polars": pl.__version__, "scikit-learn": sklearn.__version__,
                       "statsmodels": statsmodels.__version__, "lifelines": lifelines.__version__,
                       "scipy": scipy.__version__}

    (ids, names, X), res["times"]["features_polars"] = timed(lambda: features_polars.features(a.accounts, a.payments), a.repeat)
    if not a.skip_pandas:
        (pids, pnames, PX), res["times"]["features_pandas"] = timed(lambda: pandas_features(a.accounts, a.payments), 1)
        assert pnames == names and pids == ids, "pandas and polars disagree on columns or accounts"
        res["features_pandas_vs_polars_max_abs_diff"] = float(np.max(np.abs(PX - X))) if X.size else 0.0
        del PX
    keep = [j for j in range(X.shape[1]) if np.ptp(X[:, j]) > 0]
    names = [names[j] for j in keep]
    X = np.ascontiguousarray(X[:, keep])
    res["features"] = {"names": names, "column_sums": X.sum(axis=0).tolist()}

    lab = pd.read_csv(a.accounts, usecols=["account_id", "days_to_recovery", "recovered"], dtype={"account_id": str})
    lab = lab.drop_duplicates("account_id").set_index("account_id").reindex(ids)
    T = lab["days_to_recovery"].to_numpy(float)
    E = lab["recovered"].to_numpy(float)
    y = np.full(len(T), np.nan)
    y[(E == 1) & (T <= 90)] = 1.0
    y[T > 90] = 0.0
    rows = ~np.isnan(y)
    XL, yl = np.ascontiguousarray(X[rows]), y[rows]

    from sklearn.linear_model import LogisticRegression
    def sk():
        try:
            m = LogisticRegression(solver="newton-cholesky", C=np.inf, tol=1e-10, max_iter=100)
            return m.fit(XL, yl)
        except Exception:
            m = LogisticRegression(solver="newton-cholesky", penalty=None, tol=1e-10, max_iter=100)
            return m.fit(XL, yl)
    m, res["times"]["logistic_sklearn"] = timed(sk, a.repeat)
    res["logistic_sklearn"] = {"n": int(rows.sum()), "params": [float(m.intercept_[0])] + m.coef_[0].tolist(),
                               "iterations": int(m.n_iter_[0])}

    import statsmodels.api as sm
    XC = sm.add_constant(XL, has_constant="add")
    r, res["times"]["logistic_statsmodels"] = timed(
        lambda: sm.Logit(yl, XC).fit(method="newton", tol=1e-10, maxiter=100, disp=0), a.repeat)
    res["logistic_statsmodels"] = {"params": r.params.tolist(), "bse": r.bse.tolist(), "llf": float(r.llf)}
    del XC

    from lifelines import CoxPHFitter
    df = pd.DataFrame(X, columns=names)
    df["T"] = T
    df["E"] = E
    cph, res["times"]["cox_lifelines"] = timed(lambda: CoxPHFitter().fit(df, duration_col="T", event_col="E"), a.repeat)
    res["cox_lifelines"] = {"coef": cph.params_.tolist(), "se": cph.standard_errors_.tolist(),
                            "loglik": float(cph.log_likelihood_)}
    del df

    # Scoring with numpy: logistic p and Cox P(recovered by t) = 1 − exp(−H0(t)·exp(xβ − x̄β)).
    b0, b = float(m.intercept_[0]), m.coef_[0]
    beta = cph.params_.to_numpy()
    base = cph.baseline_cumulative_hazard_["baseline cumulative hazard"]
    H = np.array([base[base.index <= t].iloc[-1] if (base.index <= t).any() else 0.0 for t in HORIZONS])
    centre = float(cph._norm_mean.to_numpy() @ beta)
    def score():
        eta = X @ b + b0
        p = 1 / (1 + np.exp(-eta))
        risk = np.exp(X @ beta - centre)
        return p, -np.expm1(-np.outer(risk, H))
    (p, R), res["times"]["score_numpy"] = timed(score, a.repeat)
    res["scores"] = {"p_mean": float(p.mean()), "p_head": p[:5].tolist(), "recovered_mean": R.mean(axis=0).tolist(),
                     "recovered_head": R[:5].tolist(), "horizons": HORIZONS}

    with open(a.design, "wb") as f:
        np.array([X.shape[0], X.shape[1]], dtype=np.float64).tofile(f)
        np.asfortranarray(X).T.tofile(f)   # column by column
        T.tofile(f)
        E.tofile(f)
    res["design"] = {"path": a.design, "names": names, "n": int(X.shape[0])}
    json.dump(res, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
