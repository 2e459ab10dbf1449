#!/usr/bin/env Rscript
# Reference numbers for the Cox proportional-hazards and concordance tests
# (Tests/ModelsTests/Cox*.swift, Concordance*.swift).
#
# Run from the repository root:  Rscript scripts/fixtures_cox.R
# Writes Tests/ModelsTests/Fixtures/cox/: one CSV per data set (numeric columns,
# `time` in days, `event` 0/1) and one JSON per fit. Needs R >= 4 and `survival`
# (made with survival 3.5.3). The tests only read the committed files; they never run R.
#
# Every fit uses coxph's own Newton-Raphson with a tighter convergence threshold than
# the default (eps = 1e-12 instead of 1e-9) so that the reference values carry more
# digits than the 1e-6 relative agreement the Swift tests ask for.
suppressPackageStartupMessages(library(survival))

out <- "Tests/ModelsTests/Fixtures/cox"
dir.create(out, recursive = TRUE, showWarnings = FALSE)
ctrl <- coxph.control(eps = 1e-12, iter.max = 100, toler.chol = 1e-14)

source("scripts/fixtures_json.R")   # num(), json(), write_json(), write_data() into `out`

# ---- data sets ----------------------------------------------------------------------
# lung: NCCTG advanced lung cancer; complete cases of the covariates used.
lungc <- na.omit(lung[, c("time", "status", "age", "sex", "ph.ecog", "ph.karno",
                          "pat.karno", "wt.loss")])
lungd <- data.frame(time = lungc$time, event = as.integer(lungc$status == 2),
                    age = lungc$age, sex = lungc$sex, ph_ecog = lungc$ph.ecog,
                    ph_karno = lungc$ph.karno, pat_karno = lungc$pat.karno,
                    wt_loss = lungc$wt.loss)
write_data(lungd, "lung.csv")

# veteran: VA lung cancer trial; celltype as dummies against squamous.
vetd <- data.frame(time = veteran$time, event = veteran$status, trt = veteran$trt,
                   karno = veteran$karno, diagtime = veteran$diagtime, age = veteran$age,
                   prior = veteran$prior,
                   smallcell = as.integer(veteran$celltype == "smallcell"),
                   adeno = as.integer(veteran$celltype == "adeno"),
                   large = as.integer(veteran$celltype == "large"))
write_data(vetd, "veteran.csv")

# ties: 2000 accounts, whole days 1..365, heavy ties; true log-hazard ratios
# (0.5, -0.7, 0.3, 0.2); exponential censoring plus administrative censoring at 365.
set.seed(20260101)
n <- 2000
x1 <- rnorm(n)
x2 <- rbinom(n, 1, 0.4)
x3 <- runif(n, 0, 2)
x4 <- sample(0:5, n, replace = TRUE)
eta <- 0.5 * x1 - 0.7 * x2 + 0.3 * x3 + 0.2 * x4
tev <- rexp(n, rate = exp(eta) / 120)
tcen <- rexp(n, rate = 1 / 400)
tt <- pmin(tev, tcen, 365)
tied <- data.frame(time = pmax(1, ceiling(tt)), event = as.integer(tev <= pmin(tcen, 365)),
                   x1 = round(x1, 6), x2 = x2, x3 = round(x3, 6), x4 = x4)
write_data(tied, "ties.csv")
# weeks: the same accounts in whole weeks (<= 53 distinct times, ~40 rows per time),
# so every risk-set group is large enough for the BLAS-3 path of the Swift kernel.
weeks <- tied
weeks$time <- ceiling(tied$time / 7)
write_data(weeks, "weeks.csv")

# ---- fits -----------------------------------------------------------------------------
reference <- function(df, features, ties, rows, file, penalty = NULL, horizons = c(30, 60, 90, 180)) {
  rhs <- if (is.null(penalty)) paste(features, collapse = " + ") else
    sprintf("ridge(%s, theta = %.17g, scale = FALSE)", paste(features, collapse = ", "), penalty)
  f <- as.formula(paste("Surv(time, event) ~", rhs))
  fit <- coxph(f, data = df, ties = ties, control = ctrl, x = TRUE)
  bh <- basehaz(fit, centered = FALSE)            # H0(t) at x = 0, every distinct time
  nd <- df[rows, features, drop = FALSE]
  sf <- survfit(fit, newdata = nd, se.fit = FALSE)
  stopifnot(max(horizons) <= max(df$time))        # summary() drops later times
  pred <- summary(sf, times = horizons)$surv      # horizons x rows
  med <- unname(quantile(sf, probs = 0.5, conf.int = FALSE))
  cc <- concordance(fit)
  res <- list(
    features = features, ties = ties,
    penalty = if (is.null(penalty)) 0 else penalty,
    n = fit$n, nevent = fit$nevent, iterations = fit$iter,
    coefficients = unname(coef(fit)),
    standard_errors = unname(sqrt(diag(fit$var))),
    loglik = fit$loglik,
    lr_statistic = 2 * (fit$loglik[2] - fit$loglik[1]),
    means = unname(fit$means),                     # survival >= 3: 0 for a 0/1 covariate
    baseline_time = bh$time, baseline_cumhaz = bh$hazard,
    rows = rows - 1L,                              # 0-based for Swift
    horizons = horizons,
    survival = as.vector(pred),                   # row-major: rows x horizons
    median = as.vector(med),
    linear_predictors = unname(fit$linear.predictors),
    concordance = unname(cc$concordance),
    concordance_counts = unname(cc$count[1:5])    # concordant, discordant, tied.x, tied.y, tied.xy
  )
  if (!is.null(penalty)) res$penalized_loglik <- fit$loglik[2] - fit$penalty
  write_json(res, file)
  invisible(fit)
}

lungf <- c("age", "sex", "ph_ecog", "ph_karno", "pat_karno", "wt_loss")
vetf <- c("trt", "karno", "diagtime", "age", "prior", "smallcell", "adeno", "large")
tief <- c("x1", "x2", "x3", "x4")
for (ties in c("efron", "breslow")) {
  reference(lungd, lungf, ties, c(1, 2, 50, 100, 150), sprintf("lung_%s.json", ties))
  reference(vetd, vetf, ties, c(1, 20, 60, 100, 137), sprintf("veteran_%s.json", ties))
  reference(tied, tief, ties, c(1, 2, 3, 500, 1999), sprintf("ties_%s.json", ties))
  reference(weeks, tief, ties, c(1, 2, 3), sprintf("weeks_%s.json", ties), horizons = c(4, 8, 13, 26))
  # Only discrete covariates: many ties in the linear predictor (concordance tied.x).
  reference(lungd, c("sex", "ph_ecog"), ties, c(1, 2), sprintf("lung_discrete_%s.json", ties))
}

# Ridge: the Swift penalty (lambda/2)*||beta~||^2 acts on covariates standardized with
# the population SD (divisor n). ridge(theta, scale = FALSE) subtracts theta/2 * sum(b^2)
# from the log partial likelihood, so on pre-standardized columns theta = lambda.
popsd <- function(v) sqrt(mean((v - mean(v))^2))
tiez <- tied
for (v in tief) tiez[[v]] <- (tied[[v]] - mean(tied[[v]])) / popsd(tied[[v]])
for (ties in c("efron", "breslow")) {
  reference(tiez, tief, ties, c(1, 2), sprintf("ties_ridge_%s.json", ties), penalty = 50)
}
cat("wrote", length(list.files(out)), "files to", out, "\n")
