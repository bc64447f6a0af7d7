# The bundled synthetic trial at a data cut-off, truncated here in R (not by blina-stats).
#
# Writes (Rscript cutoff.R, in any working directory): cutoff.csv, the estimates
# at fixed days of OS and PFS (survfit, delayed entry at enrollment:
# Surv(enrollment, time, status)) and of relapse and NRM (cmprsk::cuminc, from
# transplant without delayed entry) at each cut-off.
#
# The cut-off rule (blina_stats.data.cutoff): day c = cutoff - hsct_date;
# patients transplanted or enrolled after c are left out; an event after c is
# ignored; follow-up ends at c when last contact or death is after c.
suppressPackageStartupMessages({library(survival); library(cmprsk)})
file_arg <- grep("^--file=", commandArgs(FALSE), value = TRUE)
here <- dirname(normalizePath(sub("^--file=", "", file_arg)))
raw <- read.csv(file.path(here, "../../src/blina_stats/synthetic/bundled/trial.csv"),
                stringsAsFactors = FALSE, na.strings = "")
day <- function(col) as.numeric(as.Date(raw[[col]]) - as.Date(raw$hsct_date))
times <- c(30, 100, 182.625, 365.25, 500)
rows <- list()
for (cutoff in c("2023-06-30", "2024-03-31")) {
  c_day <- as.numeric(as.Date(cutoff) - as.Date(raw$hsct_date))
  enr <- day("enrollment_date"); lc <- day("last_contact_date")
  rel <- day("relapse_date"); dth <- day("death_date")
  keep <- c_day >= 0 & !(enr > c_day)
  rel[!is.na(rel) & rel > c_day] <- NA
  trunc <- lc > c_day | (!is.na(dth) & dth > c_day)
  dth[!is.na(dth) & dth > c_day] <- NA
  lc[trunc] <- c_day[trunc]
  enr <- enr[keep]; lc <- lc[keep]; rel <- rel[keep]; dth <- dth[keep]
  pfs_ev <- suppressWarnings(pmin(rel, dth, na.rm = TRUE))
  km <- list(
    os = list(time = ifelse(is.na(dth), lc, dth), status = as.integer(!is.na(dth))),
    pfs = list(time = ifelse(is.na(pfs_ev), lc, pfs_ev), status = as.integer(!is.na(pfs_ev)))
  )
  for (name in names(km)) {
    d <- km[[name]]
    use <- d$time > enr  # events or censoring on or before enrollment are left out
    fit <- survfit(Surv(enr[use], d$time[use], d$status[use]) ~ 1)
    s <- summary(fit, times = times, extend = TRUE)
    rows[[length(rows) + 1]] <- data.frame(
      cutoff = cutoff, endpoint = name, time = times, estimate = s$surv,
      variance = s$std.err^2, n_used = sum(use))  # summary: se of S
  }
  # incidence endpoints from transplant without delayed entry (cmprsk has none)
  aj <- list(
    relapse = list(time = ifelse(!is.na(rel), rel, ifelse(!is.na(dth), dth, lc)),
                   status = ifelse(!is.na(rel), 1L, ifelse(!is.na(dth), 2L, 0L))),
    nrm = list(time = ifelse(!is.na(rel), rel, ifelse(!is.na(dth), dth, lc)),
               status = ifelse(!is.na(rel), 2L, ifelse(!is.na(dth), 1L, 0L)))
  )
  for (name in names(aj)) {
    d <- aj[[name]]
    tp <- timepoints(cuminc(d$time, d$status, cencode = 0), times)
    rows[[length(rows) + 1]] <- data.frame(
      cutoff = cutoff, endpoint = name, time = times, estimate = tp$est["1 1", ],
      variance = tp$var["1 1", ], n_used = length(d$time))
  }
}
write.csv(do.call(rbind, rows), "cutoff.csv", row.names = FALSE)
