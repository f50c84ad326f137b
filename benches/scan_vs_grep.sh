#!/usr/bin/env bash
# Times `harbor scan --summary` with 500 moderator phrases against
# `grep -c -F -i -f phrases.txt` on the same 1,000,000-line file, and prints the ratio.
# grep only looks for the phrases; harbor also normalises each message, runs every built-in
# rule and guard, and decides a level. Usage: bash benches/scan_vs_grep.sh (from the repo root).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cargo build --release --quiet
python3 - "$work" <<'PY'
import sys, itertools
work = sys.argv[1]
messages = []
for name in ["crisis_dev", "crisis_holdout", "crisis_blind", "crisis_final", "crisis_e"]:
    for line in open(f"tests/data/{name}.tsv", encoding="utf-8"):
        messages.append(line.rstrip("\n").split("\t", 1)[1])
with open(f"{work}/messages.txt", "w", encoding="utf-8") as out:
    for message in itertools.islice(itertools.cycle(messages), 1_000_000):
        out.write(message + "\n")
# The same 500 phrases as benches/detector.rs.
openings = ["man down at", "need narcan at", "someone out at", "get help to", "code blue in"]
places = ["the bridge", "the park", "room", "camp", "the tunnel", "bay", "lot", "the shelter", "block", "ward"]
phrases = [f"{openings[i % 5]} {places[(i // 5) % 10]} {i}" for i in range(500)]
open(f"{work}/phrases.txt", "w").write("\n".join(phrases) + "\n")
open(f"{work}/harbor-phrases.txt", "w").write("".join(f"emergency: {p}\n" for p in phrases))
PY

time_of() {
  local start end
  start=$(date +%s.%N)
  "$@" > "$work/out" 2>/dev/null || true
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}

best() { # best of three runs
  local best=999999 t
  for _ in 1 2 3; do
    t=$(time_of "$@")
    if (( $(echo "$t < $best" | bc -l) )); then best=$t; fi
  done
  echo "$best"
}

harbor_s=$(best sh -c "./target/release/harbor scan --summary --phrases '$work/harbor-phrases.txt' < '$work/messages.txt'")
grep_s=$(best grep -c -F -i -f "$work/phrases.txt" "$work/messages.txt")
lines=$(wc -l < "$work/messages.txt")
printf 'lines: %s\n' "$lines"
printf 'harbor scan --summary (500 phrases): %.2f s (%.0f messages/s)\n' "$harbor_s" "$(echo "$lines / $harbor_s" | bc -l)"
printf 'grep -c -F -i -f phrases.txt:        %.2f s\n' "$grep_s"
printf 'ratio harbor/grep: %.2f\n' "$(echo "$harbor_s / $grep_s" | bc -l)"
