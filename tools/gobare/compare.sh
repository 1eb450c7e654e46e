#!/usr/bin/env bash
# compare.sh runs issue 17's side-by-side load comparison: resolvebot serve
# (on Redis and on bolt, encryption on) against gobare (this directory's
# bare net/http server), Slack's Bolt for JavaScript and the Bot Framework
# SDK for JavaScript, each server pinned to core 1 and the load tester and
# Redis to core 0, the servers taking turns (A/B alternating: the order is
# reversed every other round), ROUNDS rounds of SECONDS each at CONC
# connections. It prints each run's throughput, server CPU per request and
# p99, then the ratios per workload: the median over the rounds and the
# spread (lowest–highest).
#
# Usage, from the repository root (Node 20 for the peers; without PEERS
# they are left out):
#
#	(cd tools/peers && npm ci)
#	PEERS=tools/peers tools/gobare/compare.sh [workload ...]
#
# Workloads: action (a button press, "Add a note", with what it sends
# afterwards), help (/resolve help), teams (a Teams message "help").
# Ports used: 3977-3979, 3986-3988, 9091-9092 and Redis on REDIS_PORT
# (default 6392), a private redis-server started and stopped here.
set -euo pipefail

ROUNDS=${ROUNDS:-3}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-10}
CONC=${CONC:-32}
REDIS_PORT=${REDIS_PORT:-6392}
SERVER_CORE=${SERVER_CORE:-1}
LOAD_CORE=${LOAD_CORE:-0}
WORK=${WORK:-$(mktemp -d)}
PEERS=${PEERS:-}
workloads=("$@")
[ ${#workloads[@]} -gt 0 ] || workloads=(action help teams)

export SLACK_SIGNING_SECRET=loadtest-secret
go build -o "$WORK/resolvebot" ./cmd/resolvebot
go build -o "$WORK/gobare" ./tools/gobare
cat >"$WORK/lt.yaml" <<'EOF'
directory:
  agencies:
    - key: csc
      name: Children's Social Care
    - key: police
      name: Police
teams:
  insecure_no_auth: true
slack:
  pace: false
server:
  max_client_connections: 256
  max_client_body_reads: 256
EOF

pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	[ -f "$WORK/redis.pid" ] && kill "$(cat "$WORK/redis.pid")" 2>/dev/null || true
}
trap cleanup EXIT

redis-server --port "$REDIS_PORT" --save "" --appendonly no --daemonize yes --pidfile "$WORK/redis.pid" >/dev/null
sleep 0.5
taskset -pc "$LOAD_CORE" "$(cat "$WORK/redis.pid")" >/dev/null

# start NAME CMD...: starts a server pinned to the server core, remembers
# its process id in pid_NAME.
declare -A pid
start() {
	local name=$1
	shift
	taskset -c "$SERVER_CORE" "$@" >"$WORK/$name.log" 2>&1 &
	pid[$name]=$!
	pids+=("$!")
}
key="k1:$(head -c32 /dev/urandom | base64)"
serve_env=(env SLACK_BOT_TOKEN=xoxb-loadtest SLACK_API_URL=http://127.0.0.1:3979/api/ RESOLVEBOT_ENCRYPTION_KEYS="$key")
start redis "${serve_env[@]}" REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0" "$WORK/resolvebot" serve --config "$WORK/lt.yaml" \
	--addr 127.0.0.1:3978 --admin-addr 127.0.0.1:9092
start bolt "${serve_env[@]}" "$WORK/resolvebot" serve --config "$WORK/lt.yaml" --data "$WORK/lt.db" \
	--addr 127.0.0.1:3977 --admin-addr 127.0.0.1:9091
start gobare "$WORK/gobare" --addr 127.0.0.1:3988
if [ -n "$PEERS" ]; then
	start boltjs env PORT=3986 node "$(realpath "$PEERS")/bolt.js"
	start botbuilder env PORT=3987 node "$(realpath "$PEERS")/botbuilder.js"
fi
sleep 3

url() {
	case $1 in
	redis) echo "--url http://127.0.0.1:3978 --admin-url http://127.0.0.1:9092 --slack-api 127.0.0.1:3979 --drain 60s" ;;
	bolt) echo "--url http://127.0.0.1:3977 --admin-url http://127.0.0.1:9091 --slack-api 127.0.0.1:3979 --drain 60s" ;;
	gobare) echo "--peer --url http://127.0.0.1:3988" ;;
	boltjs) echo "--peer --url http://127.0.0.1:3986" ;;
	botbuilder) echo "--peer --url http://127.0.0.1:3987" ;;
	esac
}

results="$WORK/results.tsv"
: >"$results"
# run WORKLOAD SERVER ROUND: one load, its figures appended to results.
run() {
	local w=$1 s=$2 n=$3 out
	# shellcheck disable=SC2046
	out=$(taskset -c "$LOAD_CORE" "$WORK/resolvebot" loadtest --config "$WORK/lt.yaml" $(url "$s") --mix "$w" \
		--duration "${SECONDS_PER_RUN}s" --requests 1000000 --concurrency "$CONC" --cases 8 --pid "${pid[$s]}" 2>&1) || true
	echo "$out" >"$WORK/$w-$s-$n.txt"
	echo "$out" | awk -v w="$w" -v s="$s" -v n="$n" '
		function us(d) { if (d ~ /µs$/) return d + 0; if (d ~ /ms$/) return d * 1000; if (d ~ /ns$/) return d / 1000; if (d ~ /s$/) return d * 1e6; return d + 0 }
		/^requests/ { rps = $5; gsub(/[(\/s)]/, "", rps) }
		/^errors/ { errs = $2 }
		$1 == w && /p99/ { p99 = us($NF) }
		/^server/ { per = us($4) }
		END { printf "%s\t%s\t%s\t%.0f\t%.1f\t%.0f\t%s\n", w, s, n, rps, per, p99, errs }' | tee -a "$results"
}

printf 'workload\tserver\tround\treq/s\tcpu-us/req\tp99-us\terrors\n'
for w in "${workloads[@]}"; do
	case $w in
	teams) servers=(redis bolt gobare) peer=botbuilder ;;
	*) servers=(redis bolt gobare) peer=boltjs ;;
	esac
	[ -n "$PEERS" ] && servers+=("$peer")
	for n in $(seq 1 "$ROUNDS"); do
		order=("${servers[@]}")
		if ((n % 2 == 0)); then
			order=()
			for ((i = ${#servers[@]} - 1; i >= 0; i--)); do order+=("${servers[i]}"); done
		fi
		for s in "${order[@]}"; do run "$w" "$s" "$n"; done
	done
done

echo
echo "ratios (median over $ROUNDS rounds, lowest-highest in brackets; each round's A and B from that round)"
python3 - "$results" <<'EOF'
import sys, statistics, collections
rows = collections.defaultdict(dict)
for line in open(sys.argv[1]):
    w, s, n, rps, per, p99, errs = line.rstrip("\n").split("\t")
    rows[(w, int(n))][s] = dict(rps=float(rps), cpu=float(per), p99=float(p99))
def ratio(w, a, b, field):
    rs = [rows[(w, n)][a][field] / rows[(w, n)][b][field] for (ww, n) in sorted(rows) if ww == w
          and a in rows[(w, n)] and b in rows[(w, n)] and rows[(w, n)][b][field] > 0]
    if not rs:
        return "-"
    return f"{statistics.median(rs):.2f}x ({min(rs):.2f}-{max(rs):.2f})"
for w in sorted({w for w, _ in rows}):
    peer = "botbuilder" if w == "teams" else "boltjs"
    for store in ("redis", "bolt"):
        print(f"{w:7s} {store:5s}  cpu/req / gobare {ratio(w, store, 'gobare', 'cpu'):22s}  p99 / gobare {ratio(w, store, 'gobare', 'p99'):22s}"
              f"  req/s / {peer} {ratio(w, store, peer, 'rps')}")
EOF
echo "raw outputs in $WORK"
