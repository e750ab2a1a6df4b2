#!/usr/bin/env bash
# Coverage-guided fuzzing of every parser a client or operator can feed, with libFuzzer:
# FuzzJSON (the JSON parser), FuzzUploadDecoder (the create-file decoder), FuzzMultipart (the
# multipart reader) and FuzzYAML (the configuration loader).
#
#   scripts/fuzz.sh [SECONDS]      # each target runs SECONDS (default 60)
#
# Each is built with -sanitize=fuzzer,address (in .build/fuzz, apart from the normal build) and
# started from its committed seed corpus in Tests/Fuzz/corpus/NAME. An input that crashes, trips
# AddressSanitizer, or runs longer than 2 seconds (-timeout=2, a hang) fails the run; libFuzzer
# saves it under .build/fuzz/findings/NAME/ and the script names it. Replay one with an ordinary
# build: `$(swift build --show-bin-path)/FuzzJSON FILE`.
set -euo pipefail

seconds=${1:-60}
cd "$(dirname "$0")/.."
scratch=.build/fuzz
targets=("FuzzJSON:json" "FuzzUploadDecoder:upload" "FuzzMultipart:multipart" "FuzzYAML:yaml")

flags=(-c debug --scratch-path "$scratch" -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING)
mkdir -p "$scratch"
for entry in "${targets[@]}"; do
    echo "== building ${entry%%:*}"
    if ! swift build "${flags[@]}" --product "${entry%%:*}" >"$scratch/build.log" 2>&1; then
        grep -E "error|warning: unre" "$scratch/build.log" | tail -n 30
        exit 1
    fi
done
bin=$(swift build "${flags[@]}" --show-bin-path)

# Swift's runtime keeps allocations for the life of the process; they are not leaks.
export ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1
failed=()
for entry in "${targets[@]}"; do
    name=${entry%%:*}
    corpus=${entry##*:}
    work="$scratch/corpus/$corpus"
    findings="$scratch/findings/$corpus"
    mkdir -p "$work" "$findings"
    echo "== $name: ${seconds}s from Tests/Fuzz/corpus/$corpus"
    if ! "$bin/$name" -max_total_time="$seconds" -timeout=2 -rss_limit_mb=2048 -max_len=65536 \
        -artifact_prefix="$findings/" -print_final_stats=1 "$work" "Tests/Fuzz/corpus/$corpus" \
        >"$scratch/$name.log" 2>&1; then
        tail -n 40 "$scratch/$name.log"
        failed+=("$name: $(ls -t "$findings" | head -n 1)")
    else
        grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$scratch/$name.log" | tr '\n' ' '
        echo
    fi
done

if ((${#failed[@]})); then
    printf 'FAILED %s\n' "${failed[@]}"
    echo "findings are in $scratch/findings/"
    exit 1
fi
echo "fuzz: ${#targets[@]} targets, ${seconds}s each, no crash and no hang"
