#!/usr/bin/env bash
# Hostile-input fuzz over every route (ADR 0092) with a larger budget than the suite's 800 requests: each must get a
# 2xx/3xx or a 4xx JSON error, never a 5xx. Usage: bench/fuzz.sh [requests, default 20000] [seed]
set -euo pipefail
cd "$(dirname "$0")/.."
exec mvn -B -q test -Dtest=HostileInputTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dpatchbay.fuzz.requests="${1:-20000}" -Dpatchbay.fuzz.seed="${2:-1207}"
