#!/usr/bin/env bash
# Durable acknowledgements under kill -9 (ADR 0090): the crash test with more kills than the suite runs. A real
# `patchbay serve` process is SIGKILLed at random moments of mixed load (event batches, publishes, channel switches,
# rollout verbs); after each kill every acknowledged write must be in the data folder, once.
# Usage: bench/crash.sh [kills, default 20] [seed]
set -euo pipefail
cd "$(dirname "$0")/.."
exec mvn -B -q test -Dtest=CrashDurabilityTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dpatchbay.crash.kills="${1:-20}" -Dpatchbay.crash.seed="${2:-20261207}"
