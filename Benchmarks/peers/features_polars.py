"""DESIGN §3 core features in polars (lazy, all cores), written from the definitions:

  log_balance            ln(1 + balance)
  dpd_months             days_past_due / 30
  utilization            balance / credit_limit; 0 when there is no limit (> 0)
  months_since_payment   statements since the latest with amount_paid > 0 (0 when the latest
                         has one); capped at 24; 24 if never / no statements
  pay_ratio_{3,6,12}m    Σ paid / Σ due over the last k statements; 0 when Σ due = 0
  missed_{3,6,12}m       statements among the last k with amount_paid < 0.1 × amount_due
  current_missed_streak  consecutive missed statements ending at the latest
  longest_missed_streak  longest run of missed statements
  n_statements           statements on file
  product=…              one-hot over levels with ≥ min_count accounts (not "other"),
                         sorted, then "other"; the first dropped

Statements dated on or before as-of count, in date order (ties in file order). Rows are
validated as the schema says: account_id non-empty and unique (first kept), balance a
finite number ≥ 0, days_past_due a whole number ≥ 0, credit_limit empty or a number;
payments need a known account, a YYYY-MM-DD date and finite amounts ≥ 0.
Returns (account_id list, column names, float64 matrix n × p as numpy).
"""
import datetime as dt

import numpy as np
import polars as pl

CORE = ["log_balance", "dpd_months", "utilization", "months_since_payment",
        "pay_ratio_3m", "pay_ratio_6m", "pay_ratio_12m", "missed_3m", "missed_6m", "missed_12m",
        "current_missed_streak", "longest_missed_streak", "n_statements"]


def _num(col):
    x = pl.col(col).str.strip_chars(" \t").cast(pl.Float64, strict=False)
    return pl.when(x.is_finite()).then(x).otherwise(None)


def features(accounts_path, payments_path, as_of="2026-01-01", min_count=20):
    as_of = dt.date.fromisoformat(as_of)
    acc = pl.scan_csv(accounts_path, infer_schema=False, empty_string_is_null=False)
    acc = acc.rename({c: c.strip().lower() for c in acc.collect_schema().names()})
    names = acc.collect_schema().names()
    has_limit = "credit_limit" in names
    acc = acc.with_columns(
        _bal=_num("balance"), _dpd=_num("days_past_due"),
        _lim=_num("credit_limit") if has_limit else pl.lit(None, dtype=pl.Float64),
        product=pl.col("product") if "product" in names else pl.lit(""))
    ok = (pl.col("account_id") != "") & (pl.col("_bal") >= 0) & (pl.col("_dpd") >= 0) & (pl.col("_dpd") == pl.col("_dpd").floor())
    if has_limit:
        ok = ok & ((pl.col("credit_limit").str.strip_chars(" \t") == "") | pl.col("_lim").is_not_null())
    acc = acc.filter(ok).unique(subset="account_id", keep="first", maintain_order=True)

    pay = pl.scan_csv(payments_path, infer_schema=False, empty_string_is_null=False).with_row_index("_line")
    pay = pay.rename({c: c.strip().lower() for c in pay.collect_schema().names() if c != "_line"})
    pay = pay.with_columns(
        _date=pl.when(pl.col("date").str.len_bytes() == 10).then(pl.col("date").str.to_date("%Y-%m-%d", strict=False)),
        _due=_num("amount_due"), _paid=_num("amount_paid"))
    pay = pay.filter(pl.col("_date").is_not_null() & (pl.col("_due") >= 0) & (pl.col("_paid") >= 0))
    pay = pay.join(acc.select("account_id"), on="account_id", how="semi")
    p = pay.filter(pl.col("_date") <= as_of).sort(["account_id", "_date", "_line"])
    p = p.with_columns(
        _pos=(pl.len().over("account_id") - 1 - pl.int_range(pl.len()).over("account_id")),
        _missed=pl.col("_paid") < 0.1 * pl.col("_due"))
    p = p.with_columns(_run=(~pl.col("_missed")).cast(pl.Int64).cum_sum().over("account_id"))
    aggs = [pl.len().alias("n_statements")]
    for k in (3, 6, 12):
        last = pl.col("_pos") < k
        due = pl.col("_due").filter(last).sum()
        paid = pl.col("_paid").filter(last).sum()
        aggs.append(pl.when(due > 0).then(paid / due).otherwise(0.0).alias(f"pay_ratio_{k}m"))
        aggs.append((pl.col("_missed") & last).sum().alias(f"missed_{k}m"))
    aggs.append(pl.col("_pos").filter(pl.col("_paid") > 0).min().alias("_paidpos"))
    aggs.append(pl.col("_pos").filter(~pl.col("_missed")).min().alias("_okpos"))
    hist = p.group_by("account_id").agg(aggs)
    runs = (p.filter(pl.col("_missed")).group_by(["account_id", "_run"]).agg(pl.len().alias("_r"))
            .group_by("account_id").agg(pl.col("_r").max().alias("longest_missed_streak")))
    hist = hist.join(runs, on="account_id", how="left").with_columns(
        months_since_payment=pl.col("_paidpos").fill_null(24).clip(upper_bound=24),
        current_missed_streak=pl.col("_okpos").fill_null(pl.col("n_statements")))
    out = acc.join(hist, on="account_id", how="left", maintain_order="left")
    cols = [
        pl.col("_bal").log1p().alias("log_balance"),
        (pl.col("_dpd") / 30).alias("dpd_months"),
        pl.when(pl.col("_lim") > 0).then(pl.col("_bal") / pl.col("_lim")).otherwise(0.0).alias("utilization"),
        pl.col("months_since_payment").fill_null(24).cast(pl.Float64),
    ]
    for name in CORE[4:]:
        cols.append(pl.col(name).fill_null(0).cast(pl.Float64))
    df = out.select(["account_id", "product"] + cols).collect()

    counts = df["product"].value_counts()
    levels = sorted(l for l, c in zip(counts["product"], counts["count"]) if c >= min_count and l != "other")
    onehot = {}
    for level in (levels + [None])[1:]:
        label = "other" if level is None else (level if level != "" else "(empty)")
        col = ~df["product"].is_in(levels) if level is None else (df["product"] == level)
        onehot[f"product={label}"] = col.cast(pl.Float64)
    df = df.with_columns(**onehot)
    names = CORE + list(onehot)
    return df["account_id"].to_list(), names, df.select(names).to_numpy()
