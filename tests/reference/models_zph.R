# Reference values for tests/test_models_zph.py: survival::cox.zph (survival >= 3.0,
# the score test of beta(t) = beta + theta g(t)), transforms "km" and "identity".
# Run from tests/reference (or give an output directory): Rscript models_zph.R [outdir]
# Writes models_zph_data.csv (synthetic data with delayed entry and ties),
# models_zph.csv (chisq, df, p per term and GLOBAL) and models_zph_resid.csv
# (scaled Schoenfeld residuals, in cox.zph's row order).
suppressPackageStartupMessages({library(survival); library(KMsurv)})
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args)) args[1] else "."
data(bmt)
bmt$disease <- factor(bmt$group)

set.seed(20261201)
n <- 150
syn <- data.frame(x1 = round(rnorm(n), 2), x2 = rbinom(n, 1, 0.4),
                  site = sample(c("a", "b", "c"), n, replace = TRUE),
                  entry = round(runif(n, 0, 20)))
# a hazard ratio for x2 that wanes with time, and times rounded to give ties
syn$time <- syn$entry + pmax(1, round(rexp(n, exp(0.5 * syn$x1 + 0.8 * syn$x2) / 60) / 3) * 3)
syn$event <- rbinom(n, 1, 0.8)
# case weights (numeric: cox.zph's C code refuses integer weights)
syn$w <- as.numeric(sample(1:3, n, replace = TRUE))
write.csv(syn, file.path(out, "models_zph_data.csv"), row.names = FALSE)

ctl <- coxph.control(eps = 1e-12, toler.chol = 1e-14, iter.max = 50)
fits <- list(
  bmt_dfs = coxph(Surv(t2, d3) ~ z1 + z8 + disease, data = bmt, control = ctl),
  syn_plain = coxph(Surv(time, event) ~ x1 + x2 + site, data = syn, control = ctl),
  syn_entry = coxph(Surv(entry, time, event) ~ x1 + x2 + site, data = syn, control = ctl),
  syn_entry_strata = coxph(Surv(entry, time, event) ~ x1 + x2 + strata(site), data = syn,
                           control = ctl),
  syn_entry_weights = coxph(Surv(entry, time, event) ~ x1 + x2 + site, data = syn, weights = w,
                            control = ctl)
)
tests <- list(); resid <- list()
for (case in names(fits)) for (tr in c("km", "identity")) {
  z <- cox.zph(fits[[case]], transform = tr)
  tests[[length(tests) + 1]] <- data.frame(case = case, transform = tr, term = rownames(z$table),
                                           chisq = z$table[, "chisq"], df = z$table[, "df"],
                                           p = z$table[, "p"])
  y <- z$y
  resid[[length(resid) + 1]] <- data.frame(case = case, transform = tr,
                                           row = rep(seq_len(nrow(y)), ncol(y)),
                                           term = rep(colnames(y), each = nrow(y)),
                                           x = rep(z$x, ncol(y)), time = rep(z$time, ncol(y)),
                                           y = as.vector(y))
}
write.csv(do.call(rbind, tests), file.path(out, "models_zph.csv"), row.names = FALSE)
write.csv(do.call(rbind, resid), file.path(out, "models_zph_resid.csv"), row.names = FALSE)
