#!/usr/bin/env python3
"""Reference numbers for Tests/ModelsTests/MetricsCurvesTests.swift (ROC curve, KS
curve, gains table in Sources/Models/Metrics+Curves.swift).

Prints Swift literals to paste into the test file (the data set is small, so the
numbers live next to the assertions); the tests never run Python. Run from anywhere:

    python3 scripts/fixtures_curves.py

References: scikit-learn `roc_curve(drop_intermediate=False)` and `roc_auc_score`;
scipy `ks_2samp` for the KS statistic; the KS curve and the gains table by their
definitions with numpy (F_k(t) = share of class k with score <= t; gains groups of
positions floor((g-1)n/G) .. floor(gn/G) of a stable descending sort).
"""
import numpy as np
import scipy
import sklearn
from scipy import stats
from sklearn.metrics import roc_auc_score, roc_curve

rng = np.random.default_rng(20260110)
n = 48
score = np.round(rng.normal(0, 1, n), 1) + 0.0       # one decimal: ties; + 0.0 turns -0.0 into 0.0
p = 1 / (1 + np.exp(-(1.2 * score - 0.3)))
label = (rng.uniform(size=n) < p).astype(float)


def lit(values):
    return "[" + ", ".join(repr(float(v)) for v in values) + "]"


print(f"// scikit-learn {sklearn.__version__}, scipy {scipy.__version__}, numpy {np.__version__}")
print("static let score: [Double] =", lit(score))
print("static let label: [Double] =", lit(label))
fpr, tpr, thr = roc_curve(label, score, drop_intermediate=False)
print("static let rocThreshold: [Double] =", lit(thr).replace("inf", ".infinity"))
print("static let rocFPR: [Double] =", lit(fpr))
print("static let rocTPR: [Double] =", lit(tpr))
print("static let auc =", repr(roc_auc_score(label, score)))

s1, s0 = score[label == 1], score[label == 0]
grid = np.unique(score)
f1 = np.array([(s1 <= t).mean() for t in grid])
f0 = np.array([(s0 <= t).mean() for t in grid])
print("static let ksScore: [Double] =", lit(grid))
print("static let ksEventShare: [Double] =", lit(f1))
print("static let ksNonEventShare: [Double] =", lit(f0))
print("static let ks =", repr(float(stats.ks_2samp(s1, s0).statistic)))
print("static let ksThreshold =", repr(float(grid[np.argmax(np.abs(f1 - f0))])))

G = 10
order = np.argsort(-score, kind="stable")
rate = label.mean()
counts, events, lift, cumshare, cumgain, cumlift, lo, hi = [], [], [], [], [], [], [], []
for g in range(G):
    idx = order[g * n // G:(g + 1) * n // G]
    counts.append(len(idx)); events.append(label[idx].sum())
    lift.append(label[idx].mean() / rate)
    upto = order[:(g + 1) * n // G]
    cumshare.append(len(upto) / n); cumgain.append(label[upto].sum() / label.sum())
    cumlift.append(cumgain[-1] / cumshare[-1])
    lo.append(score[idx].min()); hi.append(score[idx].max())
print("static let gainsCount: [Int] =", "[" + ", ".join(str(c) for c in counts) + "]")
print("static let gainsEvents: [Int] =", "[" + ", ".join(str(int(e)) for e in events) + "]")
print("static let gainsLift: [Double] =", lit(lift))
print("static let gainsCumulativeShare: [Double] =", lit(cumshare))
print("static let gainsCumulativeEventShare: [Double] =", lit(cumgain))
print("static let gainsCumulativeLift: [Double] =", lit(cumlift))
print("static let gainsMin: [Double] =", lit(lo))
print("static let gainsMax: [Double] =", lit(hi))
