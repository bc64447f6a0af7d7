#!/usr/bin/env bash
# Installs R with survival, cmprsk and KMsurv (Debian packages) when they are missing.
# The live R cross-checks in the test suite need them; CI (CI=true) requires them.
set -euo pipefail
have_r() {
    command -v Rscript >/dev/null 2>&1 &&
        Rscript -e 'for (p in c("survival", "cmprsk", "KMsurv")) library(p, character.only = TRUE)' >/dev/null 2>&1
}
if have_r; then
    exit 0
fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
    echo "install-r: installing R, survival, cmprsk and KMsurv from Debian packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends \
        r-base-core r-cran-survival r-cran-cmprsk r-cran-kmsurv >/dev/null
    have_r && exit 0
fi
if [ "${CI:-}" = "true" ]; then
    echo "install-r: R with survival, cmprsk and KMsurv is required in CI and could not be installed" >&2
    exit 1
fi
echo "install-r: R is not available; the live R cross-checks will be skipped" >&2
