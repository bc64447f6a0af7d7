# Reference values for tests/test_compare_logrank.py.
# Run from tests/reference (or give an output directory): Rscript compare_logrank.R [outdir]
# Writes compare_logrank_data.csv (synthetic data), compare_logrank.csv (statistic, df,
# p-value per case) and compare_logrank_groups.csv (observed and expected per group).
suppressPackageStartupMessages({library(survival); library(KMsurv)})
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args)) args[1] else "."
data(bmt)

# synthetic data with many ties (integer times), three groups, two strata, and an
# untied version with delayed entry
set.seed(20240607)
n <- 90
syn <- data.frame(
  time = sample(1:12, n, replace = TRUE),
  event = rbinom(n, 1, 0.7),
  group = sample(c("a", "b", "c"), n, replace = TRUE),
  stratum = sample(c("x", "y"), n, replace = TRUE),
  entry_u = round(runif(n, 0, 2), 6)
)
syn$time_u <- round(syn$entry_u + rexp(n, 0.3) + 1e-3, 6)
write.csv(syn, file.path(out, "compare_logrank_data.csv"), row.names = FALSE)

fmt <- function(case, sd) {
  o <- if (is.matrix(sd$obs)) rowSums(sd$obs) else sd$obs
  e <- if (is.matrix(sd$exp)) rowSums(sd$exp) else sd$exp
  list(
    test = data.frame(case = case, statistic = sd$chisq, df = length(sd$n) - 1,
                      pvalue = pchisq(sd$chisq, length(sd$n) - 1, lower.tail = FALSE)),
    groups = data.frame(case = case, group = sub(".*=", "", names(sd$n)),
                        observed = o, expected = e)
  )
}
res <- list(
  fmt("bmt_dfs_group", survdiff(Surv(t2, d3) ~ group, data = bmt)),
  fmt("bmt_death_group_strata_z8", survdiff(Surv(t1, d1) ~ group + strata(z8), data = bmt)),
  fmt("bmt_dfs_group_rho1", survdiff(Surv(t2, d3) ~ group, data = bmt, rho = 1)),
  fmt("syn_ties", survdiff(Surv(time, event) ~ group, data = syn)),
  fmt("syn_ties_strata", survdiff(Surv(time, event) ~ group + strata(stratum), data = syn)),
  fmt("syn_ties_strata_rho0.5",
      survdiff(Surv(time, event) ~ group + strata(stratum), data = syn, rho = 0.5))
)
# survdiff has no delayed entry: without tied event times the log-rank statistic is
# the Cox score test at beta = 0
cs <- coxph(Surv(entry_u, time_u, event) ~ factor(group) + strata(stratum), data = syn)
res[[length(res) + 1]] <- list(
  test = data.frame(case = "syn_entry_strata", statistic = cs$score, df = 2,
                    pvalue = pchisq(cs$score, 2, lower.tail = FALSE)),
  groups = NULL
)
write.csv(do.call(rbind, lapply(res, `[[`, "test")), file.path(out, "compare_logrank.csv"),
          row.names = FALSE)
write.csv(do.call(rbind, lapply(res, `[[`, "groups")),
          file.path(out, "compare_logrank_groups.csv"), row.names = FALSE)
