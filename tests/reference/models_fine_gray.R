# Reference values for tests/test_models_fine_gray.py: cmprsk::crr and
# survival::finegray + coxph.
# Run from tests/reference (or give an output directory): Rscript models_fine_gray.R [outdir]
# Writes models_fine_gray_data.csv (synthetic data with ties), models_fine_gray.csv
# (coefficients and standard errors) and models_fine_gray_predict.csv (predict.crr).
suppressPackageStartupMessages({library(cmprsk); library(survival); library(KMsurv)})
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args)) args[1] else "."
data(bmt)
# relapse (1) and death in remission (2) on the relapse clock t2
bmt$status <- ifelse(bmt$d2 == 1, 1, ifelse(bmt$d1 == 1, 2, 0))
bmt$g2 <- as.numeric(bmt$group == 2)
bmt$g3 <- as.numeric(bmt$group == 3)

set.seed(19990601)
n <- 150
syn <- data.frame(
  time = sample(1:20, n, replace = TRUE),
  status = sample(0:2, n, replace = TRUE, prob = c(0.3, 0.4, 0.3)),
  x1 = round(rnorm(n), 3),
  x2 = rbinom(n, 1, 0.4),
  centre = sample(c("p", "q"), n, replace = TRUE)
)
write.csv(syn, file.path(out, "models_fine_gray_data.csv"), row.names = FALSE)

# a tight tolerance so R reports the optimum itself, not a point near it
crr_rows <- function(case, fit) {
  stopifnot(fit$converged)
  data.frame(case = case, term = names(fit$coef), coef = unname(fit$coef),
             se = sqrt(diag(fit$var)), naive_se = sqrt(diag(fit$invinf)),
             loglik = fit$loglik, loglik_null = fit$loglik.null)
}
cov_bmt <- as.matrix(bmt[, c("z1", "z8", "g2", "g3")])
fit1 <- crr(bmt$t2, bmt$status, cov_bmt, failcode = 1, gtol = 1e-12, maxiter = 50)
res <- rbind(
  crr_rows("bmt_relapse", fit1),
  crr_rows("bmt_death", crr(bmt$t2, bmt$status, cov_bmt, failcode = 2, gtol = 1e-12,
                            maxiter = 50)),
  crr_rows("syn_ties", crr(syn$time, syn$status, as.matrix(syn[, c("x1", "x2")]),
                           gtol = 1e-12, maxiter = 50)),
  crr_rows("syn_ties_cengroup", crr(syn$time, syn$status, as.matrix(syn[, c("x1", "x2")]),
                                    cengroup = syn$centre, gtol = 1e-12, maxiter = 50))
)
# survival::finegray (Geskus 2011 weights) + weighted coxph with Breslow ties
bmt$fstat <- factor(bmt$status, 0:2, c("censor", "relapse", "death"))
fg <- finegray(Surv(t2, fstat) ~ ., data = bmt[, c("t2", "fstat", "z1", "z8", "g2", "g3")],
               etype = "relapse")
cfit <- coxph(Surv(fgstart, fgstop, fgstatus) ~ z1 + z8 + g2 + g3, data = fg,
              weight = fgwt, ties = "breslow")
res <- rbind(res, data.frame(case = "bmt_relapse_finegray", term = names(coef(cfit)),
                             coef = unname(coef(cfit)), se = sqrt(diag(cfit$var)),
                             naive_se = sqrt(diag(cfit$naive.var)),
                             loglik = NA, loglik_null = NA))
write.csv(res, file.path(out, "models_fine_gray.csv"), row.names = FALSE)

prof <- rbind(c(30, 0, 0, 0), c(20, 1, 0, 1))
pr <- predict(fit1, prof)
write.csv(data.frame(time = pr[, 1], profile0 = pr[, 2], profile1 = pr[, 3]),
          file.path(out, "models_fine_gray_predict.csv"), row.names = FALSE)
