#!/usr/bin/env python3
"""Reference fits on the committed data/ sample's features (issues 4 and 5).

Reads the pandas feature matrix of data/ (Tests/FeaturesTests/Fixtures/data_sample_features.csv,
made by scripts/features_reference.py) and the labels in data/accounts.csv, drops columns
that are constant, and writes Tests/ModelsTests/Fixtures/data_sample/:
  design.csv                 features + days_to_recovery, recovered, label_90 (blank when
                             censored before 90 days: excluded from the logistic fit)
  logistic_statsmodels.json  statsmodels Logit on the rows with a label
Then run scripts/fixtures_data_sample.R for the Cox references (R survival).
"""
import json, pathlib
import pandas as pd
import statsmodels.api as sm

root = pathlib.Path(__file__).resolve().parent.parent
out = root / "Tests/ModelsTests/Fixtures/data_sample"
out.mkdir(parents=True, exist_ok=True)
feats = pd.read_csv(root / "Tests/FeaturesTests/Fixtures/data_sample_features.csv", dtype={"account_id": str})
acc = pd.read_csv(root / "data/accounts.csv", dtype={"account_id": str})[["account_id", "days_to_recovery", "recovered"]]
df = feats.merge(acc, on="account_id", how="inner", validate="one_to_one")
cols = [c for c in feats.columns if c != "account_id" and df[c].nunique() > 1]
H = 90
label = pd.Series(float("nan"), index=df.index)
label[(df.recovered == 1) & (df.days_to_recovery <= H)] = 1.0
label[df.days_to_recovery > H] = 0.0  # recovered later or censored after H: not recovered within H
df["label_90"] = label
df[["account_id"] + cols + ["days_to_recovery", "recovered", "label_90"]].to_csv(out / "design.csv", index=False, float_format="%.17g")

fit_rows = df[df.label_90.notna()]
X = sm.add_constant(fit_rows[cols].astype(float))
res = sm.Logit(fit_rows.label_90.astype(float), X).fit(method="newton", tol=1e-12, maxiter=100, disp=0)
json.dump({
    "features": cols,
    "n_obs": int(res.nobs), "n_excluded": int(df.label_90.isna().sum()),
    "params": list(map(float, res.params)), "bse": list(map(float, res.bse)),
    "llf": float(res.llf), "llnull": float(res.llnull), "aic": float(res.aic),
    "statsmodels": sm.__version__,
}, open(out / "logistic_statsmodels.json", "w"), indent=1)
print("features:", cols, "n:", int(res.nobs), "excluded:", int(df.label_90.isna().sum()))
