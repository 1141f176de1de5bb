#!/usr/bin/env bash
# Runs every fuzz target (list parsers, transfer adapters, TagPacks) for SECONDS (default 30) with a corpus seeded from the real
# lists and the test fixtures. Needs nightly Rust and cargo-fuzz. Exit status non-zero on a crash.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds=${1:-30}
data=${CORDON_SHARED_DATA:-../../shared/data}
fixtures=../crates/cordon-lists/tests/fixtures
seed() { # target, files...
  local t=$1; shift
  mkdir -p "corpus/$t"
  for f in "$@"; do [ -f "$f" ] && cp "$f" "corpus/$t/" || true; done
}
seed ofac_sdn_csv "$data/lists/ofac/sdn.csv"
seed ofac_cons_csv "$data/lists/ofac/cons_prim.csv"
seed ofac_advanced_xml $fixtures/ofac/*.xml
seed ofac_crypto_naughtylist "$data/lists/ofac/crypto/ofac-naughtylist/all_addresses.json"
seed ofac_crypto_sanctions_list "$data/lists/ofac/crypto/crypto-sanctions-list/sanctioned-addresses.json"
seed ofac_crypto_0xb10c "$data/lists/ofac/crypto/0xB10C/sanctioned_addresses_ETH.json"
seed un_xml "$data/lists/un/consolidated.xml"
seed eu_fsf_xml $fixtures/eu/*.xml
seed eu_journal_csv "$data/lists/eu/opensanctions-eu-journal/consolidated/32017R1509.csv"
seed uk_sl_ods "$data/lists/uk/FCDO_SL_Mon_Aug_11_2025.ods"
seed uk_sl_csv $fixtures/uk/*.csv
seed uk_sl_xml $fixtures/uk/*.xml
seed uk_ofsi_csv $fixtures/uk/*.csv
seed uk_yaml "$data/lists/uk/ammitto-data-uk-processed/dpr0001.yaml"
seed jp_mof_xlsx "$data/lists/jp/shisantouketsu20260305.xlsx"
seed ftm_json $fixtures/ftm/*
seed national_csv ../examples/lists/*.csv
seed national_json ../examples/lists/*.jsonl
seed tx_csv "$data/tx/bybit-2025-public-trail/edges_legit.csv"
seed tx_etherscan "$data/tx/bybit-2025-public-trail/hop2.csv" "$data/tx/bybit-2025-public-trail/hop5.csv"
seed tagpack_yaml "$data"/tx/graphsense-tagpacks-dprk/*.yaml
# tx_parquet starts from an empty corpus unless one is given (cordon tx ingest --parquet-out).
mkdir -p corpus/tx_parquet
seed stix_bundle ../crates/cordon-cli/tests/fixtures/*.json
for t in $(ls fuzz_targets | sed 's/\.rs$//'); do
  echo "== $t ($seconds s)"
  cargo +nightly fuzz run "$t" "corpus/$t" -- -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10
done
