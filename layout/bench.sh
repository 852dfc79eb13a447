#!/usr/bin/env bash
# The layout bench of `make bench-layout` (part of `make bench`): what
# compaction and the legacy import cost, and what they buy a report.
#
#   1. 100k events written one file per event (the seed's layout): salon
#      before, compact (time, files before/after), salon after.
#   2. The same 100k events as the seed Lambda's files at the bucket root:
#      import-legacy, then a second import that must add nothing.
#   3. The 1M demo data set: salon over its batch files, after compact, and
#      over one sorted file of the same data (the target: within 1.2x).
#   4. With BENCH_5M=1, the same over about 5M events (200 salons).
#   5. With BENCH_10M_DIR set (make bench sets it to the 10M data set of
#      bench-report), the same over about 10M events (410 salons).
#
# Usage: layout/bench.sh BIN BENCHDATA BENCH_DIR WORK RUNS "DEMO FLAGS"
set -euo pipefail
bin=$1 benchdata=$2 bench_dir=$3 work=$4 runs=$5 demo_flags=$6

salon_1m="salon --id 1 --from 2026-10-28 --to 2026-11-27 -o json"
salon_100k="salon --id 1 --from 2025-06-01 --to 2025-07-01 -o json"

files() { find "$1/bookings" -name '*.parquet' 2>/dev/null | wc -l; }

# timed LABEL CMD...: one run, wall time and peak RSS.
timed() {
	local label=$1
	shift
	/usr/bin/time -f "  $label: %e s wall, %M KiB peak RSS" "$@" >/dev/null
}

# salons LABEL SOURCE ARGS: $runs runs of a report, then the fastest.
salons() {
	local label=$1 src=$2
	shift 2
	local best=""
	for i in $(seq "$runs"); do
		local t
		t=$( { /usr/bin/time -f "%e %M" "$bin" --source "$src" "$@" >/dev/null; } 2>&1 | tail -1)
		echo "  $label run $i: ${t% *} s wall, ${t#* } KiB peak RSS"
		if [ -z "$best" ] || awk "BEGIN {exit !(${t% *} < $best)}"; then best=${t% *}; fi
	done
	echo "  $label fastest: $best s"
}

mkdir -p "$work"
if ! compgen -G "$bench_dir/bookings/dt=*/*.parquet" >/dev/null; then
	echo "writing the 1M bench data set to $bench_dir (once)"
	# shellcheck disable=SC2086
	"$bin" demo --dest "$bench_dir" $demo_flags
fi

echo "== 100k events, one file per event (the seed's layout)"
if [ ! -d "$work/100k-src" ]; then
	"$benchdata" -from "$bench_dir" -to "$work/100k-src" -events 100000 -mode events
fi
rm -rf "$work/100k" && cp -r "$work/100k-src" "$work/100k"
echo "  files before: $(files "$work/100k")"
timed "salon before (1 run)" "$bin" --source "$work/100k" $salon_100k
"$bin" --source "$work/100k" $salon_100k >"$work/100k-before.json"
timed "compact" "$bin" --log-level warn --source "$work/100k" compact --before 2026-11-28
echo "  files after: $(files "$work/100k")"
"$bin" --source "$work/100k" $salon_100k >"$work/100k-after.json"
cmp -s "$work/100k-before.json" "$work/100k-after.json" && echo "  salon JSON identical before and after" || { echo "  salon JSON differs"; exit 1; }
salons "salon after" "$work/100k" $salon_100k

echo "== the same 100k events as the seed Lambda's files at the bucket root"
if [ ! -d "$work/seed" ]; then
	"$benchdata" -from "$bench_dir" -to "$work/seed" -events 100000 -mode seed
fi
echo "  legacy files: $(find "$work/seed" -maxdepth 1 -name '*.parquet' | wc -l) (redelivered copies share a name)"
rm -rf "$work/imported"
timed "import-legacy" "$bin" --log-level warn import-legacy --from "$work/seed" --dest "$work/imported"
echo "  layout files written: $(files "$work/imported")"
timed "import-legacy again (adds nothing)" "$bin" --log-level warn import-legacy --from "$work/seed" --dest "$work/imported"
echo "  layout files now: $(files "$work/imported")"

bench_set() {
	local name=$1 src=$2
	echo "== $name: $(files "$src") batch files"
	salons "salon over batch files" "$src" $salon_1m
	rm -rf "$work/$name-compacted" "$work/$name-one"
	cp -r "$src" "$work/$name-compacted"
	cp -r "$src" "$work/$name-one"
	timed "compact" "$bin" --log-level warn --source "$work/$name-compacted" compact --before 2026-11-28
	echo "  files after compact: $(files "$work/$name-compacted")"
	"$bin" --log-level warn --source "$work/$name-one" compact --before 2026-11-28 --target-rows 1000000000 >/dev/null
	salons "salon after compact" "$work/$name-compacted" $salon_1m
	salons "salon over one sorted file" "$work/$name-one" $salon_1m
}
bench_set 1m "$bench_dir"

if [ "${BENCH_5M:-}" = 1 ]; then
	if ! compgen -G "$work/5m-src/bookings/dt=*/*.parquet" >/dev/null; then
		# shellcheck disable=SC2086
		"$bin" demo --dest "$work/5m-src" ${demo_flags/--salons 40/--salons 200}
	fi
	bench_set 5m "$work/5m-src"
fi

if [ -n "${BENCH_10M_DIR:-}" ] && compgen -G "$BENCH_10M_DIR/bookings/dt=*/*.parquet" >/dev/null; then
	bench_set 10m "$BENCH_10M_DIR"
fi
