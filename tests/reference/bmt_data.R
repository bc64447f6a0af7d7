# Writes KMsurv::bmt as CSV for the package (src/blina_stats/datasets/bmt.csv)
# and the tests. Run from tests/reference: Rscript bmt_data.R
library(KMsurv)
data(bmt)
write.csv(bmt, "../../src/blina_stats/datasets/bmt.csv", row.names = FALSE)
