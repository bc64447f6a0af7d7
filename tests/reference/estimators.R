# Reference values for blina_stats.estimators, from R survival and cmprsk.
# Run from this folder: Rscript estimators.R   (or `make reference` at the top)
# Writes:
#   estimators_data.csv    the data sets (dataset, id, entry, time, status; entry NA = none)
#   estimators_km.csv      survfit at a grid of times, every conf.type
#   estimators_km_full.csv survfit at every distinct time (summary(censored=TRUE))
#   estimators_median.csv  quantile(survfit, 0.5) with its interval, every conf.type, and reverse KM
#   estimators_cuminc.csv  cmprsk::cuminc + timepoints (estimate, variance) per cause
#   estimators_ms.csv      multi-state survfit (Aalen-Johansen, delayed entry) pstate and n.risk
suppressPackageStartupMessages({
  library(survival)
  library(cmprsk)
  library(KMsurv)
})
options(digits = 17)
data(bmt)

sets <- list()
add <- function(name, time, status, entry = NA) {
  n <- length(time)
  sets[[name]] <<- data.frame(dataset = name, id = seq_len(n), entry = rep_len(entry, n),
                              time = time, status = status)
}
# KMsurv::bmt: death (t1, d1); relapse (cause 1) vs death in remission (cause 2) at t2
add("bmt_os", bmt$t1, bmt$d1)
add("bmt_relapse", bmt$t2, ifelse(bmt$d2 == 1, 1, ifelse(bmt$d3 == 1, 2, 0)))
# heavily tied, left-truncated: times on a 30-day grid, entries on the same grid
set.seed(20261126)
n <- 400
tt <- ceiling(rexp(n, 1 / 250) / 30) * 30
ee <- sample(c(0, 0, 0, 30, 60, 90, 120), n, replace = TRUE)
ee[ee >= tt] <- 0
add("tied_trunc", tt, sample(0:2, n, replace = TRUE, prob = c(0.3, 0.45, 0.25)), ee)
add("tied", tt, sets$tied_trunc$status)
# edge cases
add("all_censored", c(5, 10, 10, 20, 40), c(0, 0, 0, 0, 0))
add("one_patient", 12, 1)
add("one_day", c(7, 7, 7, 7, 7, 7), c(1, 2, 1, 0, 1, 2))
add("at_horizon", c(100, 365, 730.5, 730.5, 730.5, 800, 900, 1200),
    c(1, 0, 1, 2, 0, 1, 0, 0))
add("entry_at_event", c(10, 20, 30, 40, 50, 60, 70), c(1, 1, 2, 1, 0, 1, 0),
    c(0, 0, 10, 20, 10, 0, 30))
data <- do.call(rbind, sets)
write.csv(data, "estimators_data.csv", row.names = FALSE)

surv_of <- function(d) {
  if (all(is.na(d$entry))) Surv(d$time, d$status > 0) else Surv(d$entry, d$time, d$status > 0)
}
grid_of <- function(d) sort(unique(c(0, d$time, d$time - 0.5, max(d$time) / 3)))
grid_of_pos <- function(d) { g <- grid_of(d); g[g >= 0 & g <= max(d$time)] }

km_rows <- list(); full_rows <- list(); med_rows <- list()
for (name in names(sets)) {
  d <- sets[[name]]
  y <- surv_of(d)
  for (ct in c("log", "log-log", "plain", "logit", "arcsin")) {
    fit <- survfit(y ~ 1, conf.type = ct)
    s <- summary(fit, times = grid_of_pos(d))
    km_rows[[length(km_rows) + 1]] <- data.frame(
      dataset = name, conf_type = ct, time = s$time, estimate = s$surv, se = s$std.err,
      ci_lower = s$lower, ci_upper = s$upper, n_at_risk = s$n.risk, n_events = cumsum(s$n.event))
    f <- summary(fit, censored = TRUE)
    full_rows[[length(full_rows) + 1]] <- data.frame(
      dataset = name, conf_type = ct, time = f$time, estimate = f$surv, se = f$std.err,
      ci_lower = f$lower, ci_upper = f$upper, n_at_risk = f$n.risk, n_events = f$n.event,
      n_censored = f$n.censor)
    q <- quantile(fit, 0.5)
    med_rows[[length(med_rows) + 1]] <- data.frame(
      dataset = name, conf_type = ct, reverse = FALSE, estimate = unname(q$quantile),
      ci_lower = unname(q$lower), ci_upper = unname(q$upper))
  }
  # reverse Kaplan-Meier (censoring as the event), right-censored sets only
  if (all(is.na(d$entry))) {
    rfit <- survfit(Surv(d$time, d$status == 0) ~ 1, conf.type = "log-log")
    q <- quantile(rfit, 0.5)
    med_rows[[length(med_rows) + 1]] <- data.frame(
      dataset = name, conf_type = "log-log", reverse = TRUE, estimate = unname(q$quantile),
      ci_lower = unname(q$lower), ci_upper = unname(q$upper))
  }
}
write.csv(do.call(rbind, km_rows), "estimators_km.csv", row.names = FALSE)
write.csv(do.call(rbind, full_rows), "estimators_km_full.csv", row.names = FALSE)
write.csv(do.call(rbind, med_rows), "estimators_median.csv", row.names = FALSE)

# cmprsk::cuminc on right-censored sets with at least one event
ci_rows <- list()
for (name in c("bmt_relapse", "tied", "one_day", "at_horizon", "one_patient")) {
  d <- sets[[name]]
  fit <- cuminc(d$time, d$status, cencode = 0)
  g <- grid_of_pos(d)
  tp <- timepoints(fit, g)
  for (cause in sort(unique(d$status[d$status > 0]))) {
    row <- paste("1", cause)
    ci_rows[[length(ci_rows) + 1]] <- data.frame(
      dataset = name, cause = cause, time = g, estimate = tp$est[row, ],
      variance = tp$var[row, ])
  }
}
write.csv(do.call(rbind, ci_rows), "estimators_cuminc.csv", row.names = FALSE)

# multi-state survfit (Aalen-Johansen) with delayed entry
ms_rows <- list()
for (name in c("tied_trunc", "entry_at_event", "bmt_relapse", "tied")) {
  d <- sets[[name]]
  st <- factor(d$status, levels = 0:2, labels = c("censor", "c1", "c2"))
  entry <- if (all(is.na(d$entry))) rep(0, nrow(d)) else d$entry
  fit <- survfit(Surv(entry, d$time, st) ~ 1, id = d$id)
  g <- grid_of_pos(d)
  g <- g[g > 0]
  s <- summary(fit, times = g)
  ms_rows[[length(ms_rows) + 1]] <- data.frame(
    dataset = name, time = s$time, survival = s$pstate[, 1], cause1 = s$pstate[, 2],
    cause2 = s$pstate[, 3], n_at_risk = s$n.risk[, 1])
}
write.csv(do.call(rbind, ms_rows), "estimators_ms.csv", row.names = FALSE)
