# Reference values for tests/test_models_landmark.py: landmark Cox and time-varying Cox.
# Run from tests/reference (or give an output directory): Rscript models_landmark.R [outdir]
# Writes models_landmark.csv.
suppressPackageStartupMessages({library(survival); library(KMsurv)})
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args)) args[1] else "."
data(bmt)
bmt$id <- seq_len(nrow(bmt))
ctl <- coxph.control(eps = 1e-12, toler.chol = 1e-14, iter.max = 50)
rows <- function(case, fit, n) {
  data.frame(case = case, term = names(coef(fit)), coef = unname(coef(fit)),
             se = sqrt(diag(vcov(fit))), loglik = fit$loglik[2], loglik_null = fit$loglik[1],
             n = n)
}
# landmark at day 100: disease-free survival after day 100 by aGVHD by day 100
lm <- subset(bmt, t2 > 100)
lm$agvhd <- as.numeric(lm$da == 1 & lm$ta <= 100)
f1 <- coxph(Surv(t2 - 100, d3) ~ agvhd + z1, data = lm, control = ctl)
# ... with a horizon at day 1000 (censored there)
lm$stop <- pmin(lm$t2, 1000) - 100
lm$ev <- ifelse(lm$t2 > 1000, 0, lm$d3)
f2 <- coxph(Surv(stop, ev) ~ agvhd + z1, data = lm, control = ctl, robust = TRUE, id = id)
# chronic GVHD as a time-dependent covariate for relapse
tv <- tmerge(bmt[, c("id", "z1", "z8")], bmt, id = id, relapse = event(t2, d2),
             cgvhd = tdc(ifelse(dc == 1, tc, NA)))
f3 <- coxph(Surv(tstart, tstop, relapse) ~ cgvhd + z1 + z8, data = tv, control = ctl)
f4 <- coxph(Surv(tstart, tstop, relapse) ~ cgvhd, data = tv, control = ctl, id = id,
            robust = TRUE)
res <- rbind(
  rows("landmark100_dfs", f1, nrow(lm)),
  rows("landmark100_dfs_h1000_robust", f2, nrow(lm)),
  rows("tv_cgvhd_relapse", f3, nrow(tv)),
  rows("tv_cgvhd_relapse_robust", f4, nrow(tv))
)
write.csv(res, file.path(out, "models_landmark.csv"), row.names = FALSE)
