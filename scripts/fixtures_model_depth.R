#!/usr/bin/env Rscript
# Reference numbers for issue 19's modelling depth (Tests/ModelsTests/ModelDepth*.swift):
# Firth's logistic regression (brglm2 AS_mean), Cox with every event on one day,
# cox.zph. Run from the repository root:  Rscript scripts/fixtures_model_depth.R
# Needs R >= 4 with survival (3.5.3) and brglm2 (0.9) — Debian r-cran-survival,
# r-cran-brglm2. Writes Tests/ModelsTests/Fixtures/depth/. The tests never run R.
suppressPackageStartupMessages({ library(survival); library(brglm2) })
out <- "Tests/ModelsTests/Fixtures/depth"
dir.create(out, recursive = TRUE, showWarnings = FALSE)
source("scripts/fixtures_json.R")

# ---- Firth (brglm2::brglm_fit, type = "AS_mean") --------------------------------------
firth <- function(d, file) {
  f <- glm(y ~ ., family = binomial, data = d, method = "brglm_fit", type = "AS_mean",
           epsilon = 1e-14, maxit = 1000)
  X <- model.matrix(f)
  p <- fitted(f)
  ll <- sum(d$y * log(p) + (1 - d$y) * log(1 - p))
  info <- t(X) %*% (X * (p * (1 - p)))
  write_json(list(
    features = setdiff(names(d), "y"),
    converged = f$converged,
    coefficients = unname(coef(f)),
    standard_errors = unname(sqrt(diag(vcov(f)))),
    loglik = ll,
    penalized_loglik = ll + 0.5 * as.numeric(determinant(info, logarithm = TRUE)$modulus)
  ), file)
}

# Quasi-complete separation: every account with flag = 1 recovered.
set.seed(19)
n <- 80
x1 <- round(rnorm(n), 4)
x2 <- round(runif(n, 0, 3), 4)
flag <- rbinom(n, 1, 0.25)
y <- rbinom(n, 1, plogis(-0.3 + 0.8 * x1 - 0.4 * x2))
y[flag == 1] <- 1
sep <- data.frame(x1 = x1, x2 = x2, flag = flag, y = y)
write_data(sep, "firth_quasi.csv")
firth(sep, "firth_quasi.json")
stopifnot(!suppressWarnings(glm(y ~ ., family = binomial, data = sep))$converged ||
          max(abs(coef(suppressWarnings(glm(y ~ ., family = binomial, data = sep))))) > 10)

# Complete separation: y = 1 exactly when x1 > 0.
y2 <- as.integer(x1 > 0)
comp <- data.frame(x1 = x1, x2 = x2, y = y2)
write_data(comp, "firth_complete.csv")
firth(comp, "firth_complete.json")

# No separation (the Spector & Mazzeo data of the logistic fixtures).
spector <- read.csv("Tests/ModelsTests/Fixtures/logistic/spector.csv")
sp <- data.frame(GPA = spector$GPA, TUCE = spector$TUCE, PSI = spector$PSI, y = spector$GRADE)
firth(sp, "firth_spector.json")

# ---- Cox with every event on one day (R fits it) ------------------------------------
set.seed(1901)
n <- 60
z1 <- round(rnorm(n), 4)
z2 <- rbinom(n, 1, 0.5)
time <- sample(c(10, 20, 30, 45, 60), n, replace = TRUE)
event <- as.integer(time == 30 & runif(n) < plogis(0.5 * z1 + 0.7 * z2))
oneday <- data.frame(time = time, event = event, z1 = z1, z2 = z2)
stopifnot(length(unique(oneday$time[oneday$event == 1])) == 1)
write_data(oneday, "cox_oneday.csv")
for (ties in c("efron", "breslow")) {
  f <- coxph(Surv(time, event) ~ z1 + z2, data = oneday, ties = ties,
             control = coxph.control(eps = 1e-12, iter.max = 100, toler.chol = 1e-14))
  bh <- basehaz(f, centered = FALSE)             # H0(t) at x = 0
  write_json(list(coefficients = unname(coef(f)), standard_errors = unname(sqrt(diag(f$var))),
                  loglik = f$loglik, baseline_time = bh$time, baseline_hazard = bh$hazard),
             sprintf("cox_oneday_%s.json", ties))
}

# ---- cox.zph (default transform "km"), per feature and global --------------------------
# nonph: x1's log-hazard ratio is +1 before day 60 and -1 after (violates PH by
# construction); x2 and x3 are proportional.
set.seed(1919)
n <- 800
x1 <- rbinom(n, 1, 0.5)
x2 <- round(rnorm(n), 4)
x3 <- round(runif(n, 0, 2), 4)
base <- exp(0.4 * x2 - 0.3 * x3)
t1 <- rexp(n, rate = base * exp(1.0 * x1) / 80)            # hazard before day 60
late <- t1 > 60
t2 <- 60 + rexp(n, rate = base * exp(-1.0 * x1) / 80)      # hazard after day 60
tev <- ifelse(late, t2, t1)
tcen <- runif(n, 30, 365)
nonph <- data.frame(time = pmax(1, ceiling(pmin(tev, tcen))), event = as.integer(tev <= tcen),
                    x1 = x1, x2 = x2, x3 = x3)
write_data(nonph, "cox_nonph.csv")
zph_reference <- function(df, features, ties, file) {
  f <- coxph(as.formula(paste("Surv(time, event) ~", paste(features, collapse = " + "))),
             data = df, ties = ties,
             control = coxph.control(eps = 1e-12, iter.max = 100, toler.chol = 1e-14))
  z <- cox.zph(f)                                  # transform = "km", the default
  tb <- z$table
  write_json(list(features = features, ties = ties, coefficients = unname(coef(f)),
                  chisq = unname(tb[, "chisq"]), df = unname(tb[, "df"]), p = unname(tb[, "p"]),
                  x = unname(z$x), y_first = unname(z$y[1, ]), y_last = unname(z$y[nrow(z$y), ])),
             file)
}
for (ties in c("efron", "breslow")) {
  zph_reference(nonph, c("x1", "x2", "x3"), ties, sprintf("zph_nonph_%s.json", ties))
}
lungd <- read.csv("Tests/ModelsTests/Fixtures/cox/lung.csv")
zph_reference(lungd, c("age", "sex", "ph_ecog", "ph_karno", "pat_karno", "wt_loss"), "efron", "zph_lung_efron.json")
zph_reference(lungd, c("age", "sex", "ph_ecog", "ph_karno", "pat_karno", "wt_loss"), "breslow", "zph_lung_breslow.json")

# ---- case weights and strata ------------------------------------------------------------
# 400 accounts of the tie-heavy set with integer case weights 1..3 (so R's variance is the
# model-based one) and three strata, the third without any event.
tied <- read.csv("Tests/ModelsTests/Fixtures/cox/ties.csv")[1:400, ]
set.seed(1902)
tied$w <- sample(1:3, nrow(tied), replace = TRUE)
tied$stratum <- sample(0:2, nrow(tied), replace = TRUE)
tied$event[tied$stratum == 2] <- 0
write_data(tied, "cox_weighted.csv")
ctrl <- coxph.control(eps = 1e-12, iter.max = 100, toler.chol = 1e-14)
for (ties in c("efron", "breslow")) {
  f <- coxph(Surv(time, event) ~ x1 + x2 + x3 + x4, data = tied, weights = w, ties = ties, control = ctrl)
  bh <- basehaz(f, centered = FALSE)
  write_json(list(coefficients = unname(coef(f)), standard_errors = unname(sqrt(diag(f$var))),
                  loglik = f$loglik, baseline_time = bh$time, baseline_hazard = bh$hazard),
             sprintf("cox_weighted_%s.json", ties))
  s <- coxph(Surv(time, event) ~ x1 + x2 + x3 + x4 + strata(stratum), data = tied, ties = ties, control = ctrl)
  bs <- basehaz(s, centered = FALSE)
  st <- as.integer(sub("stratum=", "", as.character(bs$strata)))
  write_json(list(coefficients = unname(coef(s)), standard_errors = unname(sqrt(diag(s$var))),
                  loglik = s$loglik, baseline_stratum = st, baseline_time = bs$time,
                  baseline_hazard = bs$hazard), sprintf("cox_strata_%s.json", ties))
}
# Logistic with integer case weights: glm(weights =).
tied$y <- as.integer(tied$event == 1 & tied$time <= 90)
g <- glm(y ~ x1 + x2 + x3 + x4, family = binomial, data = tied, weights = w,
         control = glm.control(epsilon = 1e-14, maxit = 100))
write_json(list(coefficients = unname(coef(g)), standard_errors = unname(sqrt(diag(vcov(g)))),
                deviance = deviance(g), null_deviance = g$null.deviance), "logistic_weighted.json")

# ---- competing outcomes: cause-specific Cox and cumulative incidence ----------------------
# 300 accounts, outcomes paid (1), settled (2) and written_off (3: a single event, on an
# account near the covariate means so its cause-specific fit has a finite maximum);
# R's multi-state coxph (Breslow) and survfit(newdata) pstate for two accounts.
set.seed(1903)
n <- 300
x1 <- round(rnorm(n), 4); x2 <- round(runif(n, 0, 2), 4)
t1 <- rexp(n, exp(0.5 * x1) / 100); t2 <- rexp(n, exp(-0.4 * x2 + 0.3 * x1) / 200); cen <- runif(n, 20, 300)
st <- ifelse(cen <= pmin(t1, t2), 0, ifelse(t1 < t2, 1, 2))
time <- pmax(1, ceiling(pmin(t1, t2, cen)))
censored <- which(st == 0 & time < 150)
central <- censored[which.min(abs(x1[censored]) + abs(x2[censored] - 1))]
st[central] <- 3                                             # the one written-off account
comp <- data.frame(id = 1:n, time = time, outcome = st, x1 = x1, x2 = x2)
write_data(comp[, c("time", "outcome", "x1", "x2")], "competing.csv")
labels <- c("censored", "paid", "settled", "written_off")
comp$state <- factor(labels[comp$outcome + 1], levels = labels)
ctl <- coxph.control(eps = 1e-12, iter.max = 100, toler.chol = 1e-14)
ms <- coxph(Surv(time, state) ~ x1 + x2, data = comp, id = id, ties = "breslow", control = ctl)
nd <- data.frame(x1 = c(0.5, -1), x2 = c(1.5, 0.2))
sf <- survfit(ms, newdata = nd)
stopifnot(identical(sf$states, c("(s0)", "paid", "settled", "written_off")))
separate <- lapply(1:3, function(k) coxph(Surv(time, outcome == k) ~ x1 + x2, data = comp, ties = "breslow", control = ctl))
write_json(list(
  coefficients = unname(coef(ms)),                            # x1, x2 of 1:2, then 1:3, then 1:4
  separate_coefficients = unlist(lapply(separate, function(f) unname(coef(f)))),
  separate_standard_errors = unlist(lapply(separate, function(f) unname(sqrt(diag(f$var))))),
  newdata_x1 = nd$x1, newdata_x2 = nd$x2, times = sf$time,
  # pstate[time, newdata, state] flattened in R's column-major order: time fastest,
  # then newdata, then state ((s0), paid, settled, written_off)
  pstate = as.vector(sf$pstate)
), "competing_breslow.json")
# Efron: R's multi-state survfit does not use the Efron increments consistently (survival
# issue #268), so the reference is the product integral computed here from the Efron
# cause-specific baselines (basehaz of coxph(Surv(time, outcome == k) ~ …, ties = "efron")).
efron <- lapply(1:3, function(k) coxph(Surv(time, outcome == k) ~ x1 + x2, data = comp, ties = "efron", control = ctl))
grid <- sort(unique(comp$time[comp$outcome > 0]))
cif_efron <- function(x) {
  dH <- sapply(efron, function(f) {
    bh <- basehaz(f, centered = FALSE)
    H <- stepfun(bh$time, c(0, bh$hazard))
    (H(grid) - H(grid - 0.5)) * exp(sum(coef(f) * x))       # whole days: jumps at the grid
  })
  s <- 1; cif <- matrix(0, length(grid), 3); surv <- numeric(length(grid)); acc <- c(0, 0, 0)
  for (u in seq_along(grid)) {
    total <- sum(dH[u, ])
    if (total > 0) { acc <- acc + s * (dH[u, ] / total) * (1 - exp(-total)); s <- s * exp(-total) }
    cif[u, ] <- acc; surv[u] <- s
  }
  c(surv, as.vector(cif))
}
write_json(list(
  coefficients = unlist(lapply(efron, function(f) unname(coef(f)))),
  newdata_x1 = nd$x1, newdata_x2 = nd$x2, times = grid,
  # per account: S at each grid time, then CIF of paid, settled, written_off
  curves = c(cif_efron(c(nd$x1[1], nd$x2[1])), cif_efron(c(nd$x1[2], nd$x2[2])))
), "competing_efron.json")
