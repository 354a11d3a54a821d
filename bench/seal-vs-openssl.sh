#!/usr/bin/env bash
# Sealing throughput vs OpenSSL's AES-256-GCM on this machine. Usage: bench/seal-vs-openssl.sh
# Runs the JMH SealBenchmark (50 MB bundle of 500 files), then `openssl speed -evp aes-256-gcm`, and prints MB/s
# of both and their ratio (16 KiB openssl blocks are the closest to our 64 KiB chunks).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp)
trap 'rm -f "$out"' EXIT
bench/jmh.sh SealBenchmark -rf csv -rff "$out.csv" | tail -5
seal_ms=$(awk -F, '/SealBenchmark.seal"/ {print $5}' "$out.csv")
cipher_ms=$(awk -F, '/SealBenchmark.blobCipherOnly"/ {print $5}' "$out.csv")
rm -f "$out.csv"
openssl speed -evp aes-256-gcm -seconds 3 2>/dev/null | tee "$out" | tail -2
# last line: "AES-256-GCM  <16B> <64B> <256B> <1024B> <8192B> <16384B>" in kB/s (1000 bytes)
openssl_kbs=$(awk '/^(AES-256-GCM|aes-256-gcm)/ {v=$NF} END {sub("k","",v); print v}' "$out")
awk -v s="$seal_ms" -v c="$cipher_ms" -v o="$openssl_kbs" 'BEGIN {
  mb = 50; seal = mb / (s / 1000); ciph = mb / (c / 1000); ossl = o / 1000;
  printf "seal (files -> blobs on disk, 50 MB / 500 files): %.0f MB/s\n", seal;
  printf "blob cipher only (memory -> null):               %.0f MB/s\n", ciph;
  printf "openssl aes-256-gcm (16 KiB blocks):             %.0f MB/s\n", ossl;
  printf "ratio seal / openssl: %.2f   blob cipher / openssl: %.2f\n", seal / ossl, ciph / ossl }'
