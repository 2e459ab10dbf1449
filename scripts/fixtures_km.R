#!/usr/bin/env Rscript
# Reference numbers for the Kaplan–Meier tests (Tests/ModelsTests/KaplanMeierTests.swift).
#
# Run from the repository root:  Rscript scripts/fixtures_km.R
# Writes Tests/ModelsTests/Fixtures/km_<name>.csv (columns `time` in days or the data
# set's own unit, `event` 0/1) and km_<name>.json (R `survfit` on that file). Needs R >= 4
# and `survival` (made with survival 3.5.3). The tests only read the committed files.
#
# Every JSON holds, at each distinct time (survfit's default: censor-only times too):
#   time, n_risk, n_event, n_censor, surv,
#   std_err   survfit's `std.err`: the Greenwood SE of log S (= of the cumulative hazard
#             −log S), sqrt(Σ d/(n(n−d))); null where R gives Inf (S = 0),
#   se_surv   summary.survfit's `std.err`: the SE of S itself, S·std_err; null where NaN,
#   lower, upper   log-transformed bands (conf.type = "log"), null where R gives NA,
# plus conf_level, the median (quantile.survfit, with its midpoint rule for S = ½ on an
# interval; null when S never reaches ½) and S at a few lookup times (summary, extend = TRUE).
suppressPackageStartupMessages(library(survival))

out <- "Tests/ModelsTests/Fixtures"
dir.create(out, recursive = TRUE, showWarnings = FALSE)

num <- function(v) ifelse(is.na(v) | is.infinite(v), "null", sprintf("%.17g", v))
arr <- function(v) paste0("[", paste(num(v), collapse = ", "), "]")
write_reference <- function(fields, file) {
  body <- vapply(names(fields), function(k) sprintf('  "%s": %s', k, arr(fields[[k]])), "")
  writeLines(c("{", paste(body, collapse = ",\n"), "}"), file.path(out, file))
}

reference <- function(name, df, conf_level = 0.95, lookup = NULL) {
  write.csv(df, file.path(out, sprintf("km_%s.csv", name)), row.names = FALSE, quote = FALSE)
  fit <- survfit(Surv(time, event) ~ 1, data = df, conf.type = "log", conf.int = conf_level)
  s <- summary(fit, censored = TRUE)
  stopifnot(all.equal(s$time, fit$time))
  if (is.null(lookup)) lookup <- c(0, fit$time[c(1, length(fit$time) %/% 2)] + 0.5, max(fit$time), max(fit$time) + 10)
  at <- summary(fit, times = lookup, extend = TRUE)
  med <- unname(quantile(fit, probs = 0.5, conf.int = FALSE))
  write_reference(list(
    conf_level = conf_level,
    time = fit$time, n_risk = fit$n.risk, n_event = fit$n.event, n_censor = fit$n.censor,
    surv = fit$surv, std_err = fit$std.err, se_surv = s$std.err,
    lower = fit$lower, upper = fit$upper,
    median = med,
    lookup_times = lookup, lookup_surv = at$surv
  ), sprintf("km_%s.json", name))
}

# lung: NCCTG advanced lung cancer, all 228 patients (time in days, status 2 = death).
reference("lung", data.frame(time = lung$time, event = as.integer(lung$status == 2)))

# days: 400 accounts, whole days 1..120 with heavy ties, exponential censoring and
# administrative censoring of everyone still open on day 120 (the last time has both
# events and a large block of censored rows). 90 % bands to exercise the level.
set.seed(20260110)
n <- 400
tev <- rexp(n, rate = 1 / 90)
tcen <- rexp(n, rate = 1 / 300)
tt <- pmin(tev, tcen, 120)
days <- data.frame(time = pmax(1, ceiling(tt)), event = as.integer(tev <= pmin(tcen, 120)))
days$event[days$time == 120 & tev > 120] <- 0L
reference("days", days, conf_level = 0.90, lookup = c(0, 1, 30, 59.5, 90, 119.99, 120, 365))

# tiny: S reaches 0 at the last time (R: std.err Inf, bands NA), a tied event + censor.
reference("tiny", data.frame(time = c(1, 2, 2, 3, 4, 5), event = c(1L, 1L, 0L, 1L, 0L, 1L)))

# half: S = ½ exactly on [2, 4): quantile.survfit takes the midpoint (2 + 4) / 2 = 3.
reference("half", data.frame(time = c(1, 2, 3, 4, 5, 6), event = c(1L, 1L, 1L, 0L, 1L, 0L)))
cat("wrote km_* to", out, "\n")
