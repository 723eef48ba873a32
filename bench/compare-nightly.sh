#!/usr/bin/env bash
# Side-by-side nightly benchmark of two commits in one run: builds BASE (a git ref) and the working tree in Release,
# then runs `influence bench-nightly` for each, alternating, ROUNDS times, and prints every round and the ratio of
# medians (working tree / base). Alternating spreads the machine's load over both sides.
#   bench/compare-nightly.sh BASE [USERS=10000] [ROUNDS=3]
set -euo pipefail
cd "$(dirname "$0")/.."
base_ref=${1:?usage: bench/compare-nightly.sh BASE [USERS] [ROUNDS]}
users=${2:-10000}
rounds=${3:-3}
base_dir=$(mktemp -d /tmp/influence-bench-base.XXXXXX)
trap 'git worktree remove --force "$base_dir" >/dev/null 2>&1 || true' EXIT

git worktree add --detach -q "$base_dir" "$base_ref"
ln -s "$PWD/node_modules" "$base_dir/node_modules"   # The same pinned Azurite for both sides.
echo "== building base ($(git rev-parse --short "$base_ref")) and working tree ($(git rev-parse --short HEAD)$(git diff --quiet || echo '+changes')) in Release"
dotnet build -c Release -v q -nologo "$base_dir/tools/InfluenceFunctions.Cli" >/dev/null
dotnet build -c Release -v q -nologo tools/InfluenceFunctions.Cli >/dev/null

run() { # prints: seconds run/floor transactions
  dotnet "$1/tools/InfluenceFunctions.Cli/bin/Release/net10.0/influence.dll" bench-nightly --users "$users" \
    | awk -F'|' '/^\| [0-9]/ { gsub(/ /, ""); print $4, $10, $6 }'
}

printf '%-6s %-5s %12s %10s %13s\n' round side "night (s)" "run/floor" transactions
base_times=(); new_times=()
for round in $(seq 1 "$rounds"); do
  read -r s f t < <(run "$base_dir"); base_times+=("$s"); printf '%-6s %-5s %12s %10s %13s\n' "$round" base "$s" "$f" "$t"
  read -r s f t < <(run "$PWD");      new_times+=("$s");  printf '%-6s %-5s %12s %10s %13s\n' "$round" new "$s" "$f" "$t"
done

median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
mb=$(median "${base_times[@]}"); mn=$(median "${new_times[@]}")
awk -v b="$mb" -v n="$mn" -v u="$users" 'BEGIN { printf "median second night at %d users: base %.2f s, new %.2f s, new / base = %.3f\n", u, b, n, n / b }'
