# Grade-specific and treatment-emergent GVHD endpoints, with every GVHD day
# derived by hand in R from the GVHD episodes table (issue 13).
#
# Reads (run from tests/reference: Rscript gvhd_episodes.R):
#   gvhd_events.csv    300 simulated patients: patient_id, enrollment_day,
#                      last_contact_day, relapse_day, death_day (no GVHD column)
#   gvhd_episodes.csv  their GVHD episodes: patient_id, kind, onset_day, grade
#                      (acute, MAGIC 1-4), severity (chronic, NIH mild-severe)
# Both were written once from blina_stats.synthetic.simulate_both(300, seed=13)
# (days since transplant; the Python lines are in tests/test_endpoints_gvhd.py,
# test_reference_data_is_the_documented_simulation).
# Writes:
#   gvhd_endpoints.csv  estimates at fixed days:
#     entry "none":  from transplant, everyone from day 0: cmprsk::cuminc +
#                    timepoints (Aalen-Johansen and its variance), survfit for GRFS
#     entry "enrollment": delayed entry at the first dose: multi-state survfit
#                    (estimates), survfit with (start, stop] for GRFS (and se)
#     entry "first_dose": agvhd_emergent, time from the first dose, cuminc
suppressPackageStartupMessages({library(survival); library(cmprsk)})
ev <- read.csv("gvhd_events.csv", colClasses = c(patient_id = "character"))
ep <- read.csv("gvhd_episodes.csv", colClasses = c(patient_id = "character"))
ids <- factor(ep$patient_id, levels = ev$patient_id)
# first onset among the episodes in `rows`, per patient (NA: none)
first_onset <- function(rows) {
  x <- suppressWarnings(tapply(ep$onset_day[rows], ids[rows], min))
  as.numeric(x[ev$patient_id])
}
acute <- ep$kind == "acute"; chronic <- ep$kind == "chronic"
modsev <- chronic & ep$severity %in% c("moderate", "severe")
agvhd <- first_onset(acute & ep$grade >= 2)      # first onset of grade II-IV
agvhd34 <- first_onset(acute & ep$grade >= 3)    # first day of grade III-IV
cgvhd <- first_onset(chronic)                    # first chronic onset
cgvhd_ms <- first_onset(modsev)                  # first day of moderate/severe
enr <- ev$enrollment_day; lc <- ev$last_contact_day
rel <- ev$relapse_day; dth <- ev$death_day
first <- function(...) suppressWarnings(do.call(pmin, c(list(...), na.rm = TRUE)))
# one endpoint: time, status (0 censored, 1 event, 2 competing); ties go to the event
derive <- function(event, comp) {
  own <- !is.na(event) & (is.na(comp) | event <= comp)
  other <- !own & !is.na(comp)
  list(time = ifelse(own, event, ifelse(other, comp, lc)),
       status = ifelse(own, 1L, ifelse(other, 2L, 0L)))
}
# treatment-emergent: II-IV onset after the first dose, else III-IV first reached after it
emergent <- ifelse(!is.na(agvhd) & agvhd > enr, agvhd,
                   ifelse(!is.na(agvhd34) & agvhd34 > enr, agvhd34, NA))
none <- rep(NA_real_, nrow(ev))
endpoints <- list(
  agvhd = list("aj", derive(agvhd, first(rel, dth))),
  agvhd_3_4 = list("aj", derive(agvhd34, first(rel, dth))),
  cgvhd = list("aj", derive(cgvhd, first(rel, dth))),
  cgvhd_mod_severe = list("aj", derive(cgvhd_ms, first(rel, dth))),
  grfs = list("km", derive(first(agvhd34, cgvhd_ms, rel, dth), none))
)
times <- c(30, 60, 100, 182.625, 365.25, 730.5)
rows <- list()
add <- function(name, entry, time, est, se, n) {
  rows[[length(rows) + 1]] <<- data.frame(endpoint = name, entry = entry, time = time,
    estimate = est, se = se, n_used = n)
}
for (name in names(endpoints)) {
  kind <- endpoints[[name]][[1]]; d <- endpoints[[name]][[2]]
  if (kind == "km") {
    s <- summary(survfit(Surv(d$time, d$status) ~ 1), times = times, extend = TRUE)
    add(name, "none", s$time, s$surv, s$std.err, length(d$time))
  } else {
    tp <- timepoints(cuminc(d$time, d$status, cencode = 0), times)
    add(name, "none", times, tp$est["1 1", ], sqrt(tp$var["1 1", ]), length(d$time))
  }
  keep <- d$time > enr  # delayed entry: free of the event and its competing events then
  if (kind == "km") {
    s <- summary(survfit(Surv(enr[keep], d$time[keep], d$status[keep]) ~ 1),
                 times = times, extend = TRUE)
    add(name, "enrollment", s$time, s$surv, s$std.err, sum(keep))
  } else {
    st <- factor(d$status[keep], 0:2, c("censor", "event", "competing"))
    s <- summary(survfit(Surv(enr[keep], d$time[keep], st) ~ 1, id = which(keep)),
                 times = times, extend = TRUE)
    add(name, "enrollment", s$time, s$pstate[, 2], NA, sum(keep))
  }
}
d <- derive(emergent, first(rel, dth))
keep <- d$time > enr
tp <- timepoints(cuminc(d$time[keep] - enr[keep], d$status[keep], cencode = 0), times)
add("agvhd_emergent", "first_dose", times, tp$est["1 1", ], sqrt(tp$var["1 1", ]), sum(keep))
write.csv(do.call(rbind, rows), "gvhd_endpoints.csv", row.names = FALSE, na = "")
