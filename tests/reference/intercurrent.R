# Estimand controls recoded here in R (not by blina-stats): censoring at the last
# disease assessment, intercurrent-event strategies, MRD relapse.
#
# Writes (Rscript intercurrent.R, in any working directory):
#   intercurrent_data.csv  a simulated event table (set.seed(13), days since
#                          transplant, no enrollment: time from transplant)
#   intercurrent.csv       estimates at fixed days: survfit (OS, PFS) and
#                          cmprsk::cuminc + timepoints (relapse, NRM) per scenario
#
# Rules (blina_stats.endpoints.intercurrent), in order:
#   relapse = first of relapse and MRD recurrence under "hematologic_or_mrd";
#   PFS and relapse: a censored patient is censored at last_assessment_day when
#     it is earlier; with a gap, a death without relapse more than gap days after
#     the last assessment is censored at it;
#   censor: an intercurrent event before the time censors there;
#   composite: one before the time, or on the day of a censoring, is a failure
#     (event for OS/PFS, competing event for relapse/NRM).
suppressPackageStartupMessages({library(survival); library(cmprsk)})
set.seed(13)
n <- 90
dth_t <- round(rexp(n, 1 / 900)) + 1
cens <- round(runif(n, 100, 900))
dead <- dth_t <= cens
lc <- ifelse(dead, dth_t, cens)
dth <- ifelse(dead, dth_t, NA)
rel_t <- round(rexp(n, 1 / 700)) + 1
rel <- ifelse(rel_t <= lc, rel_t, NA)
mrd_t <- round(rexp(n, 1 / 500)) + 1
mrd <- ifelse(mrd_t <= lc, mrd_t, NA)
pick <- function(p) ifelse(runif(n) < p, pmax(1, round(runif(n, 0, lc))), NA)
dli <- pick(0.3); nt <- pick(0.2)
la <- pmax(1, lc - round(runif(n, 0, 150)))
la[c(5, 17, 40)] <- NA
tab <- data.frame(patient_id = sprintf("p%02d", seq_len(n)), last_contact_day = lc,
                  relapse_day = rel, death_day = dth, last_assessment_day = la,
                  dli_day = dli, new_therapy_day = nt, mrd_relapse_day = mrd)
write.csv(tab, "intercurrent_data.csv", row.names = FALSE, na = "")

first <- function(...) suppressWarnings(do.call(pmin, c(list(...), na.rm = TRUE)))
base <- function(name, rel) {
  if (name == "os") return(list(time = ifelse(is.na(dth), lc, dth), status = as.integer(!is.na(dth))))
  if (name == "pfs") {
    ev <- first(rel, dth)
    return(list(time = ifelse(is.na(ev), lc, ev), status = as.integer(!is.na(ev))))
  }
  t <- ifelse(!is.na(rel), rel, ifelse(!is.na(dth), dth, lc))
  if (name == "relapse") return(list(time = t, status = ifelse(!is.na(rel), 1L, ifelse(!is.na(dth), 2L, 0L))))
  list(time = t, status = ifelse(!is.na(rel), 2L, ifelse(!is.na(dth), 1L, 0L)))  # nrm: relapse wins ties
}
recode <- function(name, rel, gap = NA, strategies = list()) {
  d <- base(name, rel); time <- d$time; status <- d$status
  km <- name %in% c("os", "pfs")
  if (name %in% c("pfs", "relapse")) {
    hit <- status == 0 & !is.na(la) & la < time
    if (!is.na(gap)) {
      is_death <- status == (if (km) 1L else 2L) & (is.na(rel) | rel != time)
      hit <- hit | (is_death & !is.na(la) & time - la > gap)
    }
    time[hit] <- la[hit]; status[hit] <- 0L
  }
  for (ev in names(strategies)) {
    day <- tab[[paste0(ev, "_day")]]
    if (strategies[[ev]] == "censor") {
      hit <- !is.na(day) & day < time; status[hit] <- 0L
    } else {
      hit <- !is.na(day) & (day < time | (day == time & status == 0))
      status[hit] <- if (km) 1L else 2L
    }
    time[hit] <- day[hit]
  }
  list(time = time, status = status)
}
scenarios <- list(
  assessment = list(), gap90 = list(gap = 90),
  dli_censor = list(strategies = list(dli = "censor")),
  dli_composite = list(strategies = list(dli = "composite")),
  dli_censor_nt_composite = list(strategies = list(dli = "censor", new_therapy = "composite")),
  mrd = list(mrd = TRUE)
)
times <- c(50, 100, 200, 365.25, 500)
rows <- list()
for (sc in names(scenarios)) {
  o <- scenarios[[sc]]
  r <- if (isTRUE(o$mrd)) first(rel, mrd) else rel
  for (name in c("os", "pfs", "relapse", "nrm")) {
    d <- recode(name, r, if (is.null(o$gap)) NA else o$gap,
                if (is.null(o$strategies)) list() else o$strategies)
    if (name %in% c("os", "pfs")) {
      s <- summary(survfit(Surv(d$time, d$status) ~ 1), times = times, extend = TRUE)
      est <- s$surv; v <- s$std.err^2  # summary.survfit: se of S
    } else {
      tp <- timepoints(cuminc(d$time, d$status, cencode = 0), times)
      est <- tp$est["1 1", ]; v <- tp$var["1 1", ]
    }
    rows[[length(rows) + 1]] <- data.frame(scenario = sc, endpoint = name, time = times,
                                           estimate = est, variance = v)
  }
}
write.csv(do.call(rbind, rows), "intercurrent.csv", row.names = FALSE)
