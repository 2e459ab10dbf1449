# R survival peers of Arrears' Cox fit: coxph() (formula interface) and the bare
# coxph.fit(), Efron ties, on the design written by run_peers.py. Prints JSON.
#   Rscript cox.R DESIGN.bin [repeat]
suppressPackageStartupMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
repeats <- if (length(args) >= 2) as.integer(args[2]) else 3L
con <- file(args[1], "rb")
dims <- readBin(con, "double", 2)
n <- dims[1]; p <- dims[2]
X <- matrix(readBin(con, "double", n * p), nrow = n, ncol = p)
tt <- readBin(con, "double", n); ev <- readBin(con, "double", n)
close(con)
colnames(X) <- paste0("x", seq_len(p))
df <- as.data.frame(X); df$tt <- tt; df$ev <- ev
timeit <- function(f) { ts <- numeric(repeats); for (k in seq_len(repeats)) { t0 <- proc.time()[["elapsed"]]; r <- f(); ts[k] <- proc.time()[["elapsed"]] - t0 }; list(r = r, t = ts) }
a <- timeit(function() coxph(Surv(tt, ev) ~ ., data = df, ties = "efron"))
y <- Surv(tt, ev)
b <- timeit(function() coxph.fit(X, y, strata = NULL, offset = NULL, init = NULL, control = coxph.control(),
                                   weights = NULL, method = "efron", rownames = NULL))
# Cox scores with R's baseline (survfit, Efron): P(recovered by t) = 1 - exp(-H(t | means) e^{(x - m)b}).
fit <- a$r
bh <- basehaz(fit, centered = TRUE)
H <- sapply(c(30, 60, 90, 180), function(t) { k <- bh$time <= t; if (any(k)) max(bh$hazard[k]) else 0 })
lp <- drop(X %*% coef(fit)) - sum(fit$means * coef(fit))
Rall <- 1 - exp(-outer(exp(lp), H))
num <- function(x) paste0("[", paste(sprintf("%.17g", x), collapse = ", "), "]")
cat(sprintf('{"versions": {"R": "%s", "survival": "%s"},\n', paste(R.version$major, R.version$minor, sep = "."), as.character(packageVersion("survival"))))
cat(sprintf(' "times": {"cox_r_coxph": {"median": %.6f, "all": %s}, "cox_r_coxph_fit": {"median": %.6f, "all": %s}},\n',
            median(a$t), num(a$t), median(b$t), num(b$t)))
cat(sprintf(' "cox_r": {"coef": %s, "se": %s, "loglik": %.17g, "iter": %d},\n', num(coef(a$r)), num(sqrt(diag(a$r$var))), a$r$loglik[2], a$r$iter))
cat(sprintf(' "cox_r_fit": {"coef": %s, "loglik": %.17g},\n', num(b$r$coefficients), b$r$loglik[2]))
cat(sprintf(' "scores": {"recovered_mean": %s, "recovered_head": [%s]}}\n', num(colMeans(Rall)),
            paste(apply(Rall[1:5, , drop = FALSE], 1, num), collapse = ", ")))
