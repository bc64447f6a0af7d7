# Reference values for tests/test_external_reference.py: propensity scores (glm binomial),
# ATT/ATE/ATO weights, standardised mean differences computed by hand, weighted survfit
# (Kaplan-Meier and multi-state Aalen-Johansen) and weighted coxph with robust = TRUE.
# Run from tests/reference (or give an output directory): Rscript external.R [outdir]
# Writes external_data.csv and external_{ps,smd,km,ms,cox}.csv.
suppressPackageStartupMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args)) args[1] else "."

set.seed(20261202)
n <- 160
age <- round(rnorm(n, 50, 12))
mrd <- sample(c("negative", "positive"), n, replace = TRUE, prob = c(0.6, 0.4))
donor <- sample(c("MSD", "MUD", "haplo"), n, replace = TRUE)
lp <- -0.5 - 0.04 * (age - 50) - 0.7 * (mrd == "positive") - 0.5 * (donor == "haplo")
arm <- rbinom(n, 1, plogis(lp))
# whole days, so that tied times occur; 1 the event, 2 the competing event, 0 censored
ev <- pmax(1, ceiling(rexp(n, 1 / 300 * exp(0.6 * (mrd == "positive") - 0.5 * arm))))
cr <- pmax(1, ceiling(rexp(n, 1 / 900)))
cens <- pmax(1, ceiling(runif(n, 100, 1200)))
time <- pmin(ev, cr, cens)
status <- ifelse(time == ev, 1, ifelse(time == cr, 2, 0))
w <- round(runif(n, 0.2, 3), 3)  # case weights of the survfit and coxph references
dat <- data.frame(arm, age, mrd, donor, time, status, w)
write.csv(dat, file.path(out, "external_data.csv"), row.names = FALSE)

# the propensity model: tight tolerance so that glm reports the optimum itself
fit <- glm(arm ~ age + factor(mrd) + factor(donor), family = binomial, data = dat,
           control = glm.control(epsilon = 1e-14, maxit = 100))
e <- unname(fitted(fit))
ps <- data.frame(ps = e,
                 att = ifelse(arm == 1, 1, e / (1 - e)),
                 ate = ifelse(arm == 1, 1 / e, 1 / (1 - e)),
                 ato = ifelse(arm == 1, 1 - e, e))
write.csv(ps, file.path(out, "external_ps.csv"), row.names = FALSE)
write.csv(data.frame(term = names(coef(fit)), coef = unname(coef(fit))),
          file.path(out, "external_coef.csv"), row.names = FALSE)

# SMD by hand: weighted means; the pooled SD of the unweighted arms as denominator;
# weighted variances with the reliability correction sum(w) / (sum(w)^2 - sum(w^2))
wvar <- function(x, w) { m <- sum(w * x) / sum(w); sum(w * (x - m)^2) * sum(w) / (sum(w)^2 - sum(w^2)) }
wmean <- function(x, w) sum(w * x) / sum(w)
cols <- list(age = age, "mrd=negative" = mrd == "negative", "mrd=positive" = mrd == "positive",
             "donor=MSD" = donor == "MSD", "donor=MUD" = donor == "MUD", "donor=haplo" = donor == "haplo")
smd <- do.call(rbind, lapply(names(cols), function(nm) {
  x <- as.numeric(cols[[nm]]); t <- arm == 1; wt <- ps$att
  sd <- sqrt((var(x[t]) + var(x[!t])) / 2)
  data.frame(column = nm,
             smd_before = (mean(x[t]) - mean(x[!t])) / sd,
             smd_after = (wmean(x[t], wt[t]) - wmean(x[!t], wt[!t])) / sd,
             variance_ratio_after = wvar(x[t], wt[t]) / wvar(x[!t], wt[!t]),
             ess_control = sum(wt[!t])^2 / sum(wt[!t]^2))
}))
write.csv(smd, file.path(out, "external_smd.csv"), row.names = FALSE)

# weighted Kaplan-Meier (the event, competing events censored) and weighted Aalen-Johansen
km <- survfit(Surv(time, status == 1) ~ 1, data = dat, weights = w)
write.csv(data.frame(time = km$time, surv = km$surv, n_risk = km$n.risk),
          file.path(out, "external_km.csv"), row.names = FALSE)
ms <- survfit(Surv(time, factor(status, 0:2)) ~ 1, data = dat, weights = w)
write.csv(data.frame(time = ms$time, cif1 = ms$pstate[, 2], cif2 = ms$pstate[, 3]),
          file.path(out, "external_ms.csv"), row.names = FALSE)
# RMST to day 730.5 of the weighted Kaplan-Meier (print(fit, rmean = 730.5))
rm <- summary(km, rmean = 730.5)$table[["rmean"]]
write.csv(data.frame(tau = 730.5, rmst = rm), file.path(out, "external_rmst.csv"), row.names = FALSE)

# weighted Cox, robust variance (Efron ties): the ATT weights and the case weights
ctl <- coxph.control(eps = 1e-12, toler.chol = 1e-14, iter.max = 50)
cox <- function(case, wt, ev) {
  f <- coxph(Surv(time, status == ev) ~ arm, data = dat, weights = wt, robust = TRUE, control = ctl)
  data.frame(case = case, coef = unname(coef(f)), se = sqrt(vcov(f)[1, 1]))
}
res <- rbind(cox("att_event", ps$att, 1), cox("w_event", dat$w, 1), cox("att_competing", ps$att, 2))
write.csv(res, file.path(out, "external_cox.csv"), row.names = FALSE)
