# Reference values for tests/test_compare_gray.py: cmprsk::cuminc(...)$Tests.
# Run from tests/reference (or give an output directory): Rscript compare_gray.R [outdir]
# Writes compare_gray_data.csv (synthetic data with ties) and compare_gray.csv.
suppressPackageStartupMessages({library(cmprsk); library(KMsurv)})
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args)) args[1] else "."
data(bmt)
# relapse (1) and death in remission (2) after transplant, on the relapse clock t2
bmt$status <- ifelse(bmt$d2 == 1, 1, ifelse(bmt$d1 == 1, 2, 0))

set.seed(19880901)
n <- 120
syn <- data.frame(
  time = sample(1:15, n, replace = TRUE),
  status = sample(0:3, n, replace = TRUE, prob = c(0.3, 0.35, 0.25, 0.1)),
  group = sample(c("a", "b", "c", "d"), n, replace = TRUE),
  stratum = sample(c("x", "y"), n, replace = TRUE)
)
write.csv(syn, file.path(out, "compare_gray_data.csv"), row.names = FALSE)

tests <- function(case, ci) {
  tt <- ci$Tests
  data.frame(case = case, cause = as.integer(rownames(tt)), statistic = tt[, "stat"],
             df = tt[, "df"], pvalue = pchisq(tt[, "stat"], tt[, "df"], lower.tail = FALSE))
}
res <- rbind(
  tests("bmt_group", cuminc(bmt$t2, bmt$status, bmt$group)),
  tests("bmt_group_rho1", cuminc(bmt$t2, bmt$status, bmt$group, rho = 1)),
  tests("bmt_group_strata_z8", cuminc(bmt$t2, bmt$status, bmt$group, strata = bmt$z8)),
  tests("bmt_z8", cuminc(bmt$t2, bmt$status, bmt$z8)),
  tests("syn_ties", cuminc(syn$time, syn$status, syn$group)),
  tests("syn_ties_strata_rho0.5",
        cuminc(syn$time, syn$status, syn$group, strata = syn$stratum, rho = 0.5))
)
write.csv(res, file.path(out, "compare_gray.csv"), row.names = FALSE)
