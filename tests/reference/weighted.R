# Reference values for the weighted estimators (blina_stats.estimators.weighted,
# KaplanMeierResult.rmst, CumulativeIncidenceResult.rmtl) and weighted Cox, from R survival.
# Run from this folder: Rscript weighted.R
# Writes:
#   weighted_data.csv   the data (id, entry, time, status, event, w, x1, x2): ties on a
#                       10-day grid, delayed entry, non-integer weights
#   weighted_km.csv     survfit(weights = w, id = id) (robust): surv, std.err (survival
#                       scale), weighted n.risk / n.event, with and without delayed entry
#   weighted_cuminc.csv multi-state survfit(weights = w, id = id): pstate and robust std.err
#   weighted_rmst.csv   print(survfit, rmean = tau): rmean and se(rmean) (Greenwood's formula,
#                       KM only), and the infinitesimal-jackknife se from the influence
#                       (influence.surv / influence.pstate) by hand, KM and multi-state
#   weighted_cox.csv    coxph(weights = w, id = id, robust = TRUE) (efron), and the weighted
#                       Fine-Gray model: finegray(weights = w) + coxph(weights = fgwt, robust)
suppressPackageStartupMessages(library(survival))
options(digits = 17)
set.seed(20261202)
n <- 300
x1 <- rnorm(n)
x2 <- rbinom(n, 1, 0.4)
tt <- ceiling(rexp(n, exp(0.4 * x1 - 0.5 * x2) / 300) / 10) * 10
cc <- ceiling(runif(n, 100, 1500) / 10) * 10
time <- pmin(tt, cc)
status <- ifelse(tt <= cc, sample(1:2, n, replace = TRUE, prob = c(0.6, 0.4)), 0)
entry <- sample(c(0, 0, 0, 0, 15, 30, 45, 60), n, replace = TRUE)
entry[entry >= time] <- 0
w <- round(exp(rnorm(n, 0, 0.6)), 4)
# the last time censored so that no curve reaches 0
status[which.max(time)] <- 0
d <- data.frame(id = seq_len(n), entry = entry, time = time, status = status,
                event = as.integer(status > 0), w = w, x1 = x1, x2 = x2)
write.csv(d, "weighted_data.csv", row.names = FALSE)

km_rows <- list()
for (trunc in c(FALSE, TRUE)) {
  y <- if (trunc) Surv(d$entry, d$time, d$event) else Surv(d$time, d$event)
  fit <- survfit(y ~ 1, weights = d$w, id = d$id, robust = TRUE)
  km_rows[[length(km_rows) + 1]] <- data.frame(
    # a robust fit's std.err is on the survival scale (fit$logse is FALSE)
    entry = trunc, time = fit$time, estimate = fit$surv,
    se = if (fit$logse) fit$std.err * fit$surv else fit$std.err,
    n_at_risk = fit$n.risk, n_events = fit$n.event)
}
write.csv(do.call(rbind, km_rows), "weighted_km.csv", row.names = FALSE)

ci_rows <- list()
for (trunc in c(FALSE, TRUE)) {
  st <- factor(d$status, 0:2, c("censor", "c1", "c2"))
  y <- if (trunc) Surv(d$entry, d$time, st) else Surv(d$time, st)
  fit <- survfit(y ~ 1, weights = d$w, id = d$id)
  for (k in 1:2) {
    ci_rows[[length(ci_rows) + 1]] <- data.frame(
      entry = trunc, cause = k, time = fit$time, estimate = fit$pstate[, k + 1],
      se = fit$std.err[, k + 1])
  }
}
write.csv(do.call(rbind, ci_rows), "weighted_cuminc.csv", row.names = FALSE)

rm_rows <- list()
add_rm <- function(kind, trunc, weighted, tau, cause, rmean, se_print, se_ij) {
  rm_rows[[length(rm_rows) + 1]] <<- data.frame(
    kind = kind, entry = trunc, weighted = weighted, tau = tau, cause = cause,
    rmean = unname(rmean), se_print = unname(se_print), se_ij = unname(se_ij))
}
# the widths of the steps of a curve on fit$time, from 0 and cut at tau
widths <- function(time, tau) pmax(0, pmin(c(time[-1], tau), tau) - pmin(time, tau))
for (tau in c(365, 730.5)) {
  for (trunc in c(FALSE, TRUE)) {
    for (weighted in c(FALSE, TRUE)) {
      wt <- if (weighted) d$w else rep(1, n)
      y <- if (trunc) Surv(d$entry, d$time, d$event) else Surv(d$time, d$event)
      # print(fit, rmean=) gives se(rmean) by Greenwood's formula on the (weighted)
      # counts; the infinitesimal jackknife by hand from influence.surv, which R
      # reports already multiplied by the weights
      fit <- if (weighted) survfit(y ~ 1, weights = wt, id = d$id, robust = TRUE) else survfit(y ~ 1)
      tab <- summary(fit, rmean = tau)$table
      ifit <- survfit(y ~ 1, weights = wt, id = d$id, influence = TRUE)
      u <- ifit$influence.surv %*% widths(ifit$time, tau)
      add_rm("km", trunc, weighted, tau, 0, tab["rmean"], tab["se(rmean)"], sqrt(sum(u^2)))
      st <- factor(d$status, 0:2, c("censor", "c1", "c2"))
      y <- if (trunc) Surv(d$entry, d$time, st) else Surv(d$time, st)
      fit <- survfit(y ~ 1, weights = wt, id = d$id, influence = TRUE)
      tab <- summary(fit, rmean = tau)$table
      # print() gives no se for a multi-state rmean: the infinitesimal jackknife by
      # hand, sum over patients of (w * integral of the influence of pstate up to tau)^2
      for (k in 1:2) {
        u <- fit$influence.pstate[, -1, k + 1] %*% widths(fit$time, tau)  # column 1 is time 0
        add_rm("ms", trunc, weighted, tau, k, tab[k + 1, "rmean"], NA, sqrt(sum((wt * u)^2)))
      }
    }
  }
}
write.csv(do.call(rbind, rm_rows), "weighted_rmst.csv", row.names = FALSE)

cox_rows <- list()
for (trunc in c(FALSE, TRUE)) {
  y <- if (trunc) Surv(d$entry, d$time, d$event) else Surv(d$time, d$event)
  fit <- coxph(y ~ x1 + x2, data = d, weights = w, id = id, robust = TRUE)  # efron ties
  cox_rows[[length(cox_rows) + 1]] <- data.frame(
    model = "cox", entry = trunc, term = names(coef(fit)), coef = unname(coef(fit)),
    se = unname(sqrt(diag(vcov(fit)))))
}
# weighted Fine-Gray: crr takes no weights; finegray() multiplies the case weights
# into its censoring weights (fgwt) and a weighted coxph with Breslow ties, robust by id
st <- factor(d$status, 0:2, c("censor", "c1", "c2"))
fg <- finegray(Surv(time, st) ~ x1 + x2 + id, data = cbind(d, st = st), weights = w, etype = "c1")
fit <- coxph(Surv(fgstart, fgstop, fgstatus) ~ x1 + x2, data = fg, weights = fgwt, id = id,
             robust = TRUE, ties = "breslow")
cox_rows[[length(cox_rows) + 1]] <- data.frame(
  model = "fine_gray", entry = FALSE, term = names(coef(fit)), coef = unname(coef(fit)),
  se = unname(sqrt(diag(vcov(fit)))))
write.csv(do.call(rbind, cox_rows), "weighted_cox.csv", row.names = FALSE)
