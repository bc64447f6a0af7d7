# Reference values for tests/test_models_cox.py: survival::coxph (Efron ties).
# Run from tests/reference (or give an output directory): Rscript models_cox.R [outdir]
# Writes models_cox_data.csv (synthetic data with delayed entry) and models_cox.csv.
suppressPackageStartupMessages({library(survival); library(KMsurv)})
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args)) args[1] else "."
data(bmt)
bmt$disease <- factor(bmt$group)

set.seed(20110101)
n <- 120
syn <- data.frame(x1 = round(rnorm(n), 3), x2 = rbinom(n, 1, 0.5),
                  site = sample(c("a", "b"), n, replace = TRUE),
                  entry = round(runif(n, 0, 30)))
syn$time <- syn$entry + pmax(1, round(rexp(n, exp(0.4 * syn$x1 - 0.5 * syn$x2) / 100)))
syn$event <- rbinom(n, 1, 0.75)
write.csv(syn, file.path(out, "models_cox_data.csv"), row.names = FALSE)

# a tight tolerance so R reports the optimum itself
ctl <- coxph.control(eps = 1e-12, toler.chol = 1e-14, iter.max = 50)
rows <- function(case, fit) {
  data.frame(case = case, term = names(coef(fit)), coef = unname(coef(fit)),
             se = sqrt(diag(vcov(fit))), loglik = fit$loglik[2], loglik_null = fit$loglik[1])
}
res <- rbind(
  rows("bmt_dfs", coxph(Surv(t2, d3) ~ z1 + z8 + disease, data = bmt, control = ctl)),
  rows("bmt_dfs_robust", coxph(Surv(t2, d3) ~ z1 + z8 + disease, data = bmt, robust = TRUE, control = ctl,
                               id = seq_len(nrow(bmt)))),
  rows("syn_entry_strata", coxph(Surv(entry, time, event) ~ x1 + x2 + strata(site), data = syn,
                              control = ctl)),
  rows("syn_entry_robust", coxph(Surv(entry, time, event) ~ x1 + x2, data = syn,
                                 id = seq_len(nrow(syn)), robust = TRUE, control = ctl))
)
write.csv(res, file.path(out, "models_cox.csv"), row.names = FALSE)
