# Reference values for blina_stats.design, computed independently in base R with
# stats::integrate (the Python code uses closed forms, exponential integrals and
# an integral over the cumulative hazard instead).  Writes design_formulas_*.csv.
#
# 1. One-sample log-rank (Wu 2015, Pharm Stat 14:26-33): p0, p00 integrated over
#    follow-up time t with Weibull null S0(t) = exp(-log(2) (t/m0)^k), hazard ratio
#    delta under H1, uniform accrual ta and follow-up tf; one-sided alpha.
# 2. Kaplan-Meier at a fixed time (Nagashima et al. 2021, Pharm Stat 20:499-511):
#    n Var(log KM(t)) = int_0^t lambda exp(lambda u) / G(u) du, G the potential
#    follow-up survival under uniform accrual.

wu <- function(alpha, power, ta, tf, m0, delta, k, n = NA) {
  tau <- ta + tf
  S0 <- function(t) exp(-log(2) * (t / m0)^k)
  h0 <- function(t) k * log(2) * t^(k - 1) / m0^k
  H0 <- function(t) log(2) * (t / m0)^k
  G <- function(t) ifelse(t <= tf, 1, (tau - t) / ta)
  p0 <- integrate(function(t) S0(t)^delta * h0(t) * G(t), 0, tau, rel.tol = 1e-12)$value
  p00 <- integrate(function(t) S0(t)^delta * H0(t) * h0(t) * G(t), 0, tau, rel.tol = 1e-12)$value
  p1 <- delta * p0
  p01 <- delta * p00
  w <- p1 - p0
  sigma <- sqrt(p1 - p1^2 + 2 * p00 - p0^2 - 2 * p01 + 2 * p0 * p1)
  nreq <- ceiling((sqrt(p0) * qnorm(1 - alpha) + sigma * qnorm(power))^2 / w^2)
  if (is.na(n)) n <- nreq
  pw <- pnorm((sqrt(n) * abs(w) - sqrt(p0) * qnorm(1 - alpha)) / sigma)
  data.frame(alpha, power, ta, tf, m0, delta, k, p0, p00, n_required = nreq, n, power_at_n = pw)
}

grid <- expand.grid(alpha = c(0.05, 0.025), k = c(0.7, 1, 1.22, 2), delta = c(0.5, 1 / 1.75, 0.7))
rows <- lapply(seq_len(nrow(grid)), function(i) {
  g <- grid[i, ]
  wu(g$alpha, 0.8, ta = 3, tf = 2, m0 = 1.5, delta = g$delta, k = g$k, n = 68)
})
write.csv(do.call(rbind, rows), "design_formulas_wu.csv", row.names = FALSE)

km_logvar <- function(lambda, t, a, f) {
  G <- function(u) ifelse(u <= f, 1, (a + f - u) / a)
  integrate(function(u) lambda * exp(lambda * u) / G(u), 0, t, rel.tol = 1e-12)$value
}
kg <- expand.grid(s = c(0.35, 0.45, 0.6, 0.9), t = c(1, 2), a = c(1.5, 3), f = c(0.5, 1.5, 2.5))
kg <- kg[kg$t < kg$a + kg$f, ]
kg$lambda <- -log(kg$s) / kg$t
kg$log_variance <- mapply(km_logvar, kg$lambda, kg$t, kg$a, kg$f)
write.csv(kg, "design_formulas_km.csv", row.names = FALSE)
