# Cox references on the committed data/ sample's features (issue 5).
# Run after scripts/fixtures_data_sample.py: Rscript scripts/fixtures_data_sample.R
library(survival)
dir <- "Tests/ModelsTests/Fixtures/data_sample"
d <- read.csv(file.path(dir, "design.csv"), check.names = FALSE, colClasses = c(account_id = "character"))
feats <- setdiff(names(d), c("account_id", "days_to_recovery", "recovered", "label_90"))
X <- as.matrix(d[, feats])
for (ties in c("efron", "breslow")) {
  fit <- coxph(Surv(d$days_to_recovery, d$recovered) ~ X, ties = ties, control = coxph.control(eps = 1e-12, toler.chol = 1e-14, iter.max = 50))
  bh <- basehaz(fit, centered = FALSE)
  out <- file.path(dir, paste0("cox_", ties, ".json"))
  con <- file(out, "w")
  fmt <- function(v) paste0("[", paste(sprintf("%.17g", v), collapse = ","), "]")
  writeLines(c("{",
    paste0('"features": [', paste0('"', feats, '"', collapse = ","), "],"),
    paste0('"coef": ', fmt(unname(coef(fit))), ","),
    paste0('"se": ', fmt(unname(sqrt(diag(vcov(fit))))), ","),
    paste0('"loglik": ', fmt(fit$loglik), ","),
    paste0('"time": ', fmt(bh$time), ","),
    paste0('"hazard": ', fmt(bh$hazard), ","),
    paste0('"concordance": ', sprintf("%.17g", unname(fit$concordance["concordance"]))),
    "}"), con)
  close(con)
}
cat("R", R.version$major, R.version$minor, "survival", as.character(packageVersion("survival")), "\n")
