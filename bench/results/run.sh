#!/bin/sh
# Runs one bench-nightly size and keeps its whole output: bench/results/run.sh USERS SHARDS
set -u
users=$1; shards=$2
out=bench/results/bench-nightly-${users}u-${shards}s.txt
{
  echo "\$ dotnet tools/InfluenceFunctions.Cli/bin/Release/net10.0/influence.dll bench-nightly --users $users --shards $shards"
  echo "# commit $(git rev-parse --short HEAD), started $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
  echo "# NODE_OPTIONS=${NODE_OPTIONS:-} LocalHost__Durable__ControlQueueVisibility=${LocalHost__Durable__ControlQueueVisibility:-}"
  /usr/bin/time -v dotnet tools/InfluenceFunctions.Cli/bin/Release/net10.0/influence.dll bench-nightly --users "$users" --shards "$shards" 2>&1
  echo "# exit $?, ended $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$out" 2>&1
