#!/usr/bin/env python3
"""Verdict latency through `promptwall native-host`, as the extension sees it: framed inspect
requests over the host's pipes, realistic pastes (names, addresses, records, code, secrets, in
several languages: tests/corpus/independent author A, a seed no model trains on) in three size
buckets, models on and models off in the same run on the same texts (requests alternate between
the two hosts, so both see the same machine load), without and with the daemon.

    cargo build --release -p promptwall
    python3 tests/bench/host_roundtrip.py [--bin target/release/promptwall] [--n 100] [--no-daemon | --daemon-only]

Prints p50/p99 per bucket and mode, and the p99 ratio models-on / models-off (issue 16's figure:
within 4x under 1 KB and for 1-4 KB). The first verdicts of each host are a warm-up (model load)
and not counted; cold start is tests/bench/host_cold_and_large.py's.
"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pwbench  # noqa: E402
from pwbench import BUCKETS, ROOT, Home, pastes, pct, timed  # noqa: E402


def run(binary, n, daemon):
    texts = pastes(n)
    homes = {"off": Home(binary, models=False), "on": Home(binary, models=True)}
    try:
        if daemon:
            for h in homes.values():
                h.start_daemon()
        hosts = {k: h.host() for k, h in homes.items()}
        for k, host in hosts.items():  # warm-up: the models load on first need (or at daemon start)
            for t in texts[BUCKETS[1][0]][:3]:
                host.inspect(t)
        rows = []
        deciders = set()
        for bucket, _, _ in BUCKETS:
            times = {"off": [], "on": []}
            for i, t in enumerate(texts[bucket]):
                order = ("off", "on") if i % 2 == 0 else ("on", "off")
                for k in order:
                    ms, v = timed(hosts[k].inspect, t)
                    if v.get("type") != "verdict":
                        raise SystemExit(f"unexpected answer: {v}")
                    deciders.add(v.get("decided_by"))
                    times[k].append(ms)
            rows.append((bucket, times))
        models = {k: host.status().get("models") for k, host in hosts.items()}
        for host in hosts.values():
            host.close()
    finally:
        for h in homes.values():
            h.close()
    where = "host relaying to the daemon" if daemon else "host deciding alone (no daemon)"
    print(f"\n{where}; decided by {sorted(deciders)}; n={n} pastes per bucket")
    print(f"  models on : {models['on']}\n  models off: {models['off']}")
    print(f"  {'bucket':<9} {'off p50':>8} {'off p99':>8} {'on p50':>8} {'on p99':>8} {'p99 on/off':>11}")
    for bucket, t in rows:
        off50, off99, on50, on99 = pct(t["off"], .5), pct(t["off"], .99), pct(t["on"], .5), pct(t["on"], .99)
        print(f"  {bucket:<9} {off50:>6.1f}ms {off99:>6.1f}ms {on50:>6.1f}ms {on99:>6.1f}ms {on99 / off99:>10.1f}x")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=str(ROOT / "target/release/promptwall"))
    ap.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                    help="extra environment for every promptwall process (e.g. PROMPTWALL_PII_MODEL=rampart)")
    ap.add_argument("--n", type=int, default=100, help="pastes per size bucket (default 100)")
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--no-daemon", action="store_true", help="only the host deciding alone")
    g.add_argument("--daemon-only", action="store_true", help="only the host relaying to a daemon")
    args = ap.parse_args()
    pwbench.EXTRA_ENV[:] = args.env
    if not args.daemon_only:
        run(args.bin, args.n, daemon=False)
    if not args.no_daemon:
        run(args.bin, args.n, daemon=True)


if __name__ == "__main__":
    main()
