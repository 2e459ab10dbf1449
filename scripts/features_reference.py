#!/usr/bin/env python3
"""Independent reference for the Arrears core features (DESIGN §3), in pandas.

Reads accounts.csv and payments.csv (DESIGN §2 schema v1), computes the core
features of every valid account as of a date, and writes one row per account:
account_id, the 13 core numeric features, then the product one-hot columns.

Definitions (written from DESIGN §3, not from the Swift code):
  log_balance            ln(1 + balance)
  dpd_months             days_past_due / 30
  utilization            balance / credit_limit; 0 when the limit is absent or not > 0
  months_since_payment   statements since the latest with amount_paid > 0 (0 when the
                         latest has one); capped at 24; 24 if never / no statements
  pay_ratio_{3,6,12}m    sum paid / sum due over the last k statements; 0 if sum due = 0
  missed_{3,6,12}m       statements among the last k with amount_paid < 0.1 * amount_due
  current_missed_streak  consecutive missed statements ending at the latest
  longest_missed_streak  longest run of missed statements
  n_statements           statements on file
Statements: rows dated on or before as-of, ordered by date, ties in file order.
Product one-hot: levels with >= --min-count accounts (the text "other" never counts
as a level), sorted by code point; "other" after them; the first of that list is
dropped; an empty product is the level "" and is written as "(empty)".

Rows are validated like the schema says (a bad row is left out): account_id
non-empty and unique (later duplicates dropped), balance a finite number >= 0,
days_past_due an integer >= 0, credit_limit empty or a number (not > 0 → no limit);
payments: a known account_id, a valid YYYY-MM-DD date, amounts finite numbers >= 0.

Usage:
  scripts/features_reference.py ACCOUNTS PAYMENTS OUT [--as-of 2026-01-01] [--min-count 20]
With no arguments: data/accounts.csv data/payments.csv ->
Tests/FeaturesTests/Fixtures/data_sample_features.csv as of 2026-01-01.
"""
import argparse
import os

import numpy as np
import pandas as pd

CORE = [
    "log_balance", "dpd_months", "utilization", "months_since_payment",
    "pay_ratio_3m", "pay_ratio_6m", "pay_ratio_12m", "missed_3m", "missed_6m", "missed_12m",
    "current_missed_streak", "longest_missed_streak", "n_statements",
]


def read_csv(path):
    df = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8")
    df.columns = [c.strip().lower() for c in df.columns]
    df["_line"] = np.arange(len(df))
    return df


def to_number(s):
    x = pd.to_numeric(s.str.strip(), errors="coerce")
    return x.where(np.isfinite(x))


def valid_accounts(acc):
    acc = acc.copy()
    acc["balance_num"] = to_number(acc["balance"])
    dpd = to_number(acc["days_past_due"])
    acc["dpd_num"] = dpd
    ok = (acc["account_id"] != "") & (acc["balance_num"] >= 0) & (dpd >= 0) & (dpd == np.floor(dpd))
    if "credit_limit" in acc:
        text = acc["credit_limit"].str.strip()
        lim = to_number(text)
        ok &= (text == "") | lim.notna()
        acc["limit_num"] = lim
    else:
        acc["limit_num"] = np.nan
    acc = acc[ok]
    acc = acc[~acc["account_id"].duplicated(keep="first")]
    if "product" not in acc:
        acc["product"] = ""
    return acc.reset_index(drop=True)


def valid_payments(pay, ids):
    pay = pay.copy()
    pay["date_ts"] = pd.to_datetime(pay["date"], format="%Y-%m-%d", errors="coerce")
    pay["due"] = to_number(pay["amount_due"])
    pay["paid"] = to_number(pay["amount_paid"])
    ok = (pay["account_id"].isin(ids) & pay["date_ts"].notna()
          & (pay["date"].str.len() == 10) & (pay["due"] >= 0) & (pay["paid"] >= 0))
    return pay[ok]


def history_features(pay, as_of):
    p = pay[pay["date_ts"] <= as_of]
    after = int((pay["date_ts"] > as_of).sum())
    p = p.sort_values(["account_id", "date_ts", "_line"], kind="mergesort").reset_index(drop=True)
    g = p.groupby("account_id", sort=False)
    p["pos"] = g.cumcount(ascending=False)          # 0 = latest statement
    p["missed"] = p["paid"] < 0.1 * p["due"]
    out = pd.DataFrame(index=pd.Index(p["account_id"].unique(), name="account_id"))
    out["n_statements"] = g.size()
    for k in (3, 6, 12):
        w = p[p["pos"] < k].groupby("account_id")
        due, paid = w["due"].sum(), w["paid"].sum()
        out[f"pay_ratio_{k}m"] = np.where(due > 0, paid / due.where(due > 0, 1), 0.0)
        out[f"missed_{k}m"] = w["missed"].sum()
    paid_pos = p[p["paid"] > 0].groupby("account_id")["pos"].min()
    out["months_since_payment"] = paid_pos.reindex(out.index).fillna(24).clip(upper=24)
    not_missed_pos = p[~p["missed"]].groupby("account_id")["pos"].min()
    out["current_missed_streak"] = not_missed_pos.reindex(out.index).fillna(out["n_statements"])
    run_id = (~p["missed"]).groupby(p["account_id"]).cumsum()
    runs = p[p["missed"]].groupby([p["account_id"], run_id]).size()
    out["longest_missed_streak"] = runs.groupby(level=0).max().reindex(out.index).fillna(0)
    return out, after


def product_columns(products, min_count):
    counts = products.value_counts()
    levels = sorted(l for l, c in counts.items() if c >= min_count and l != "other")
    all_levels = levels + [None]                      # None = other
    mapped = products.where(products.isin(levels), None)
    cols = {}
    for level in all_levels[1:]:
        label = "other" if level is None else (level if level != "" else "(empty)")
        cols[f"product={label}"] = (mapped.isna() if level is None else mapped == level).astype(float)
    return cols


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("accounts", nargs="?", default=os.path.join(root, "data", "accounts.csv"))
    ap.add_argument("payments", nargs="?", default=os.path.join(root, "data", "payments.csv"))
    ap.add_argument("out", nargs="?",
                    default=os.path.join(root, "Tests", "FeaturesTests", "Fixtures", "data_sample_features.csv"))
    ap.add_argument("--as-of", default="2026-01-01")
    ap.add_argument("--min-count", type=int, default=20)
    args = ap.parse_args()
    as_of = pd.Timestamp(args.as_of)

    acc = valid_accounts(read_csv(args.accounts))
    pay = valid_payments(read_csv(args.payments), set(acc["account_id"]))
    hist, after = history_features(pay, as_of)

    out = pd.DataFrame({"account_id": acc["account_id"]})
    out["log_balance"] = np.log1p(acc["balance_num"])
    out["dpd_months"] = acc["dpd_num"] / 30
    lim = acc["limit_num"]
    out["utilization"] = np.where(lim > 0, acc["balance_num"] / lim.where(lim > 0, 1), 0.0)
    h = hist.reindex(acc["account_id"])
    for name in CORE[3:]:
        default = 24.0 if name == "months_since_payment" else 0.0
        out[name] = h[name].fillna(default).astype(float).to_numpy()
    for name, col in product_columns(acc["product"], args.min_count).items():
        out[name] = col.to_numpy()
    out.to_csv(args.out, index=False, float_format="%.17g", lineterminator="\n")
    print(f"{len(out)} accounts, {len(pay)} valid payments ({after} after {args.as_of}) -> {args.out}")


if __name__ == "__main__":
    main()
