#!/usr/bin/env bash
# One prepared call on a lent GPU machine (the `run` tool; ../shared/WEBGPU-HERE.md): the benchmark with the
# 2^24 workloads, A/B of this build against an older one (tools/ab-builds.mjs), GPU-against-CPU parity over
# random cases and every kernel strategy (tools/parity-fuzz.mjs), and nvidia-smi's clocks through it all,
# every log under $OUT.
#   here, after npm ci:  bash tools/gpu-session.sh prepare [BASE_REV]   (default 38675d7: before the aligned variants)
#     builds dist/ and copies it to .ab/head, builds BASE_REV into .ab/base, packs .gpu-kit and .bench-kit
#     (all git-ignored through .git/info/exclude); then carry [".gpu-kit", ".bench-kit", "dist", ".ab"].
#   on the GPU machine:  bash tools/gpu-session.sh run
#     each step has its own time limit (5 min for the bench, 100 s for each A/B, 60 s for the parity cases), so
#     a hang costs that step only;
#     NOTE: setup.sh extracts its Debian packages into / (meant for the bare, throwaway GPU machine).
#     WORKLOADS and AB_SHAPES replace the lists below (for a dry run on SwiftShader, with small ones);
#     PARITY_SECONDS (default 30) how long parity-fuzz draws cases.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"

case "${1:-}" in
prepare)
  base=${2:-38675d7}
  grep -qxF "/.ab/" .git/info/exclude 2>/dev/null || echo "/.ab/" >> .git/info/exclude
  npm run build
  rm -rf .ab && mkdir -p .ab && cp -r dist .ab/head
  tree=$(mktemp -d)
  git worktree add --detach "$tree" "$base"
  ln -s "$PWD/node_modules" "$tree/node_modules" # the same dependencies; BASE_REV's lock may differ a little
  (cd "$tree" && npm run build)
  cp -r "$tree/dist" .ab/base
  git worktree remove --force "$tree"
  bash ../shared/tools/gpu-kit.sh
  bash tools/bench-kit.sh
  du -sh .ab dist
  echo "carry: [\".gpu-kit\", \".bench-kit\", \"dist\", \".ab\"]; command: bash tools/gpu-session.sh run"
  ;;
run)
  out=${OUT:-gpu-session-out}
  mkdir -p "$out"
  . .bench-kit/setup.sh > "$out/setup.log" 2>&1
  if command -v nvidia-smi > /dev/null; then
    nvidia-smi > "$out/nvidia-smi.txt" 2>&1 || true
    nvidia-smi --query-gpu=timestamp,clocks.sm,clocks.mem,power.draw,temperature.gpu --format=csv -lms 500 > "$out/clocks.csv" 2>&1 &
    trap "kill $! 2>/dev/null || true" EXIT
  fi
  step() { # step LIMIT_S LOG COMMAND...: one step under a time limit, its output in LOG, its times and exit status in steps.log
    local limit=$1 log=$2 t0=$SECONDS rc
    shift 2
    echo "$(date -u +%T) start: $*" >> "$out/steps.log"
    timeout "$limit" "$@" > "$out/$log" 2>&1 && rc=0 || rc=$?
    echo "$(date -u +%T) exit $rc after $((SECONDS - t0)) s: $log" >> "$out/steps.log"
  }
  workloads=${WORKLOADS:-14x8,4096x8,1024x1024,256x32768,32x262144,512x32768,4096x4096,64x262144}
  step 300 bench.log node bench/run.mjs --node --workloads="$workloads"
  cp bench/results/*.json "$out/" 2>/dev/null || true
  # The old build twice, the new one between: the two copies of the old bound the noise.
  for shape in ${AB_SHAPES:-4096x4096 64x262144}; do
    SHAPE=$shape REPS=15 OPS=ls,soft,hard,bwd,bits,gumbel step 100 "ab-$shape.log" node tools/ab-builds.mjs .ab/base .ab/head .ab/base
  done
  # Last, so the timings come back even if the call runs out of time: GPU against CPU over random cases.
  step 60 parity.log node tools/parity-fuzz.mjs --seconds="${PARITY_SECONDS:-30}"
  cat "$out/steps.log"
  ;;
*)
  echo "usage: bash tools/gpu-session.sh prepare [BASE_REV] | run" >&2
  exit 2
  ;;
esac
