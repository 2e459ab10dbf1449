#!/usr/bin/env python3
"""Reference numbers for the logistic regression and validation-metric tests.

Regenerates every file in Tests/ModelsTests/Fixtures/logistic/ from independent
implementations (statsmodels, scikit-learn, scipy); the Swift tests read the committed
files and never run Python. Run from anywhere:

    python3 scripts/fixtures_logistic.py

Files written (floats in Python's shortest round-trip form, so they parse back exactly):
  spector.csv                  Spector & Mazzeo (1980) data as shipped by statsmodels
  spector_statsmodels.json     sm.Logit fit (Newton, tol 1e-14) + the published values
  synthetic.csv                seeded portfolio-like data, 1500 rows, 5 features
  synthetic_statsmodels.json   sm.Logit fit on synthetic.csv
  synthetic_l2_sklearn.json    scikit-learn L2 fits on the standardized synthetic data
  metrics.csv                  seeded scores (with ties), probabilities and labels
  metrics_reference.json       roc_auc_score, brier_score_loss, log_loss (scikit-learn),
                               KS (scipy ks_2samp), Hosmer-Lemeshow and PSI (numpy, by
                               the definitions in Sources/Models/Metrics*.swift)
"""
import json
import os

import numpy as np
import pandas as pd
import scipy
import sklearn
import statsmodels
import statsmodels.api as sm
from scipy import stats
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "ModelsTests", "Fixtures", "logistic")
VERSIONS = {"statsmodels": statsmodels.__version__, "scikit-learn": sklearn.__version__,
            "scipy": scipy.__version__, "numpy": np.__version__, "pandas": pd.__version__}


def write_csv(frame, name):
    path = os.path.join(OUT, name)
    frame.to_csv(path, index=False, lineterminator="\n")   # shortest round-trip repr
    # Read back exactly as the Swift tests will (correctly rounded parsing).
    return pd.read_csv(path, float_precision="round_trip")


def write_json(obj, name):
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(obj, f, indent=1, sort_keys=True)
        f.write("\n")


def logit_reference(frame, features, label, note):
    x = sm.add_constant(frame[features].to_numpy(), has_constant="add")
    res = sm.Logit(frame[label].to_numpy(), x).fit(method="newton", tol=1e-14, maxiter=200, disp=0)
    assert res.mle_retvals["converged"]
    return {"note": note, "versions": VERSIONS, "names": ["(intercept)"] + features,
            "params": res.params.tolist(), "bse": res.bse.tolist(),
            "cov": res.cov_params().tolist(), "z": res.tvalues.tolist(), "pvalues": res.pvalues.tolist(),
            "llf": res.llf, "llnull": res.llnull,
            "aic": res.aic, "nobs": int(res.nobs), "events": int(frame[label].sum())}


def spector():
    data = sm.datasets.spector.load_pandas().data[["GPA", "TUCE", "PSI", "GRADE"]]
    data = write_csv(data, "spector.csv")
    ref = logit_reference(data, ["GPA", "TUCE", "PSI"], "GRADE",
                          "statsmodels sm.Logit(GRADE ~ 1 + GPA + TUCE + PSI), method=newton, tol=1e-14")
    # Published (Spector & Mazzeo 1980; Greene, Econometric Analysis, logit column),
    # rounded as printed: the test checks the fit against these at their precision.
    ref["published"] = {"params": [-13.021, 2.826, 0.095, 2.379], "bse": [4.931, 1.263, 0.142, 1.065],
                        "llf": -12.890, "llnull": -20.592}
    write_json(ref, "spector_statsmodels.json")


def synthetic_frame():
    rng = np.random.default_rng(20260101)
    n = 1500
    balance = np.round(rng.lognormal(mean=7.5, sigma=1.0, size=n), 2)          # currency
    dpd = rng.integers(0, 181, size=n).astype(float)                          # days
    utilization = np.round(rng.uniform(0, 1.2, size=n), 4)                     # ratio
    months_since_payment = rng.integers(0, 25, size=n).astype(float)          # months
    pay_ratio = np.round(np.clip(rng.normal(0.6, 0.3, size=n), 0, 1.5), 4)     # ratio
    eta = (0.4 - 0.15 * (np.log1p(balance) - 7.5) - 0.012 * dpd - 0.8 * (utilization - 0.6)
           - 0.06 * months_since_payment + 1.5 * (pay_ratio - 0.6))
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-eta))).astype(float)
    return pd.DataFrame({"balance": balance, "days_past_due": dpd, "utilization": utilization,
                         "months_since_payment": months_since_payment, "pay_ratio": pay_ratio, "recovered": y})


SYNTH_FEATURES = ["balance", "days_past_due", "utilization", "months_since_payment", "pay_ratio"]


def synthetic(data):
    ref = logit_reference(data, SYNTH_FEATURES, "recovered",
                          "statsmodels sm.Logit(recovered ~ 1 + 5 features), method=newton, tol=1e-14")
    write_json(ref, "synthetic_statsmodels.json")


def softplus(eta):
    return np.maximum(eta, 0) + np.log1p(np.exp(-np.abs(eta)))


def synthetic_l2(data):
    x = data[SYNTH_FEATURES].to_numpy()
    y = data["recovered"].to_numpy()
    mean = x.mean(axis=0)
    sd = x.std(axis=0, ddof=0)                     # StandardScaler's population SD
    z = (x - mean) / sd
    fits = []
    for lam in [1.0, 25.0]:
        clf = LogisticRegression(C=1.0 / lam, solver="newton-cholesky", tol=1e-12, max_iter=500)
        clf.fit(z, y)
        w, b = clf.coef_[0], clf.intercept_[0]
        eta = b + z @ w
        p = 1 / (1 + np.exp(-eta))
        grad = np.concatenate([[np.sum(y - p)], z.T @ (y - p) - lam * w])
        assert np.max(np.abs(grad)) < 1e-8, grad
        # Penalized Hessian on the standardized design, inverted, then mapped back.
        zz = np.column_stack([np.ones(len(y)), z])
        h = zz.T @ (zz * (p * (1 - p))[:, None]) + lam * np.diag([0.0] + [1.0] * len(w))
        a = np.zeros((len(w) + 1, len(w) + 1))
        a[0, 0] = 1
        a[0, 1:] = -mean / sd
        a[1:, 1:] = np.diag(1 / sd)
        cov = a @ np.linalg.inv(h) @ a.T
        fits.append({"l2": lam, "C": 1.0 / lam,
                     "standardized_params": [b] + w.tolist(),
                     "params": (a @ np.concatenate([[b], w])).tolist(),
                     "bse": np.sqrt(np.diag(cov)).tolist(),
                     "llf": float(np.sum(y * eta - softplus(eta))),
                     "max_abs_gradient": float(np.max(np.abs(grad)))})
    write_json({"note": "sklearn LogisticRegression(C=1/l2, solver=newton-cholesky, tol=1e-12) on features "
                        "standardized with population SD; params mapped to the original scale; bse from the "
                        "inverse penalized Hessian (numpy); llf is the unpenalized log-likelihood",
                "versions": VERSIONS, "names": ["(intercept)"] + SYNTH_FEATURES, "fits": fits},
               "synthetic_l2_sklearn.json")


def metrics():
    rng = np.random.default_rng(7)
    n = 400
    prob = np.clip(rng.beta(2, 3, size=n), 0.001, 0.999)
    score = np.round(prob, 2)                       # two decimals: many tied scores
    label = (rng.uniform(size=n) < prob).astype(float)
    # A second population for PSI, shifted upward, with ties too.
    shifted = np.round(np.clip(rng.beta(2.5, 3, size=300), 0.001, 0.999), 2)
    frame = pd.DataFrame({"score": score, "probability": prob, "label": label})
    frame = write_csv(frame, "metrics.csv")
    write_csv(pd.DataFrame({"score": shifted}), "metrics_actual.csv")
    shifted = pd.read_csv(os.path.join(OUT, "metrics_actual.csv"), float_precision="round_trip")["score"].to_numpy()
    score, prob, label = frame["score"].to_numpy(), frame["probability"].to_numpy(), frame["label"].to_numpy()

    ks = stats.ks_2samp(score[label == 1], score[label == 0]).statistic

    # Hosmer-Lemeshow on 10 groups: rows sorted by probability (stable), group g holds
    # sorted positions floor(g*n/10) ..< floor((g+1)*n/10).
    order = np.argsort(prob, kind="stable")
    groups = []
    hl = 0.0
    for g in range(10):
        idx = order[(g * n) // 10:((g + 1) * n) // 10]
        m, o, e = len(idx), label[idx].sum(), prob[idx].sum()
        groups.append({"count": int(m), "mean_predicted": float(e / m), "observed_rate": float(o / m)})
        hl += (o - e) ** 2 / (e * (1 - e / m))

    # PSI: cut points = expected's sorted values at positions floor(k*n/10), k = 1..9,
    # de-duplicated; bin b holds values with exactly b cut points <= value; shares
    # floored at 1e-4.
    srt = np.sort(score)
    cuts = np.unique([srt[(k * n) // 10] for k in range(1, 10)])
    exp_bins = np.searchsorted(cuts, score, side="right")
    act_bins = np.searchsorted(cuts, shifted, side="right")
    e_share = np.maximum(np.bincount(exp_bins, minlength=len(cuts) + 1) / n, 1e-4)
    a_share = np.maximum(np.bincount(act_bins, minlength=len(cuts) + 1) / len(shifted), 1e-4)
    psi = float(np.sum((a_share - e_share) * np.log(a_share / e_share)))

    write_json({"note": "scikit-learn metrics on metrics.csv; KS = scipy.stats.ks_2samp(score|1, score|0); "
                        "HL and PSI by numpy (definitions in the script)",
                "versions": VERSIONS,
                "auc_score": roc_auc_score(label, score),
                "auc_probability": roc_auc_score(label, prob),
                "brier": brier_score_loss(label, prob),
                "log_loss": log_loss(label, prob),
                "ks_score": float(ks),
                "hosmer_lemeshow": float(hl),
                "hosmer_lemeshow_p": float(stats.chi2.sf(hl, 8)),
                "calibration": groups,
                "psi_cuts": cuts.tolist(),
                "psi": psi},
               "metrics_reference.json")


def main():
    os.makedirs(OUT, exist_ok=True)
    spector()
    data = write_csv(synthetic_frame(), "synthetic.csv")
    synthetic(data)
    synthetic_l2(data)
    metrics()


if __name__ == "__main__":
    main()
