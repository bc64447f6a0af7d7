# Reference values for blina_stats.design.predictive_design (Lee & Liu 2008,
# Clinical Trials 5:93-106), by brute force in base R: every one of the 2^N
# sequences of outcomes is enumerated and walked through the looks, with the
# predictive probability summed term by term from the beta-binomial density
# written out with lbeta/choose (the Python code uses scipy's betabinom.sf
# and carries the distribution of successes from look to look).
# Writes design_predictive.csv (in the working directory): one row per design and rate.

pp <- function(x, n, N, r, a, b) {
  m <- N - n
  y <- 0:m
  dens <- exp(lchoose(m, y) + lbeta(a + x + y, b + n - x + m - y) - lbeta(a + x, b + n - x))
  sum(dens[(x + y) >= r])
}

brute <- function(p0, p1, N, looks, tt, tl, tu, a, b) {
  tot <- 0:N
  r <- min(tot[pbeta(p0, a + tot, b + N - tot, lower.tail = FALSE) > tt])
  fut <- sapply(looks, function(n) {
    s <- sapply(0:n, function(x) pp(x, n, N, r, a, b) < tl)
    if (any(s)) max((0:n)[s]) else -1
  })
  eff <- sapply(looks, function(n) {
    s <- sapply(0:n, function(x) pp(x, n, N, r, a, b) > tu)
    if (any(s)) min((0:n)[s]) else n + 1
  })
  # all 2^N sequences: row i holds the bits of i - 1
  seqs <- sapply(0:(N - 1), function(j) (0:(2^N - 1) %/% 2^j) %% 2)
  cums <- t(apply(seqs, 1, cumsum))
  out <- NULL
  for (p in c(p0, p1)) {
    k <- cums[, N]
    w <- p^k * (1 - p)^(N - k)
    stopped <- rep(FALSE, nrow(seqs)); success <- rep(FALSE, nrow(seqs)); size <- rep(N, nrow(seqs))
    for (j in seq_along(looks)) {
      x <- cums[, looks[j]]
      s_f <- !stopped & x <= fut[j]
      s_e <- !stopped & x >= eff[j]
      success[s_e] <- TRUE
      size[s_f | s_e] <- looks[j]
      stopped <- stopped | s_f | s_e
    }
    success[!stopped & k >= r] <- TRUE
    out <- rbind(out, data.frame(p0 = p0, p1 = p1, N = N, looks = paste(looks, collapse = " "),
      theta_t = tt, theta_l = tl, theta_u = tu, a = a, b = b, rate = p, final_r = r,
      reject = sum(w * success), pet = sum(w * stopped), expected_n = sum(w * size)))
  }
  out
}

res <- rbind(
  brute(0.40, 0.60, 16, c(4, 8, 12), 0.90, 0.05, 1.00, 0.4, 0.6),
  brute(0.40, 0.60, 16, c(5, 10), 0.95, 0.10, 0.99, 0.5, 0.5),
  brute(0.20, 0.40, 18, c(6, 9, 12, 15), 0.90, 0.01, 0.95, 0.2, 0.8)
)
# run from tests/reference (Rscript design_predictive.R): writes next to itself
write.csv(res, "design_predictive.csv", row.names = FALSE)
