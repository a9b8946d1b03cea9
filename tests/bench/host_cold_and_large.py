#!/usr/bin/env python3
"""Cold start, memory and large pastes of the interactive path, through `promptwall native-host`
over its pipes (release build):

1. Cold start to first verdict in a fresh host process without a daemon, for a paste the
   structured detectors block (a key: the models need not load) and for realistic pastes that
   need the models (records with names and addresses from tests/corpus/independent author A),
   models on and off; the host's peak RSS after that first verdict.
2. The daemon: time from start to its socket, RSS after start (models preloaded) and peak RSS
   after serving realistic pastes through a relaying host.
3. Large pastes: verdict time for 0.25, 1, 2, 4 and 7 MiB of realistic text (a key at the end),
   so the linear term per MiB can be read off (relayed to the daemon with --daemon).

    cargo build --release -p promptwall && python3 tests/bench/host_cold_and_large.py [--daemon] [--bin BIN]
"""
import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pwbench  # noqa: E402
from pwbench import ROOT, Home, corpus_docs, memory, pastes, pct, timed  # noqa: E402

KEY = "deploy with aws_access_key_id = AKIAT4SYWB5WKH7DNSIP please"


def cold(binary, models, text, runs=7):
    home = Home(binary, models=models)
    times, peaks, v = [], [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        h = home.host()
        v = h.inspect(text)
        times.append((time.perf_counter() - t0) * 1000)
        peaks.append(memory(h.p.pid)[1] or 0)
        h.close()
    home.close()
    return pct(times, .5), min(times), max(times), pct(peaks, .5), v


def realistic(size):
    """Realistic text of about `size` bytes: generated documents end to end."""
    docs = corpus_docs()
    out, n, i = [], 0, 0
    while n < size:
        t = docs[i % len(docs)]["text"]
        out.append(t)
        n += len(t.encode()) + 1
        i += 1
    return "\n".join(out).encode()[:size].decode("utf-8", errors="ignore")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=str(ROOT / "target/release/promptwall"))
    ap.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                    help="extra environment for every promptwall process (e.g. PROMPTWALL_PII_MODEL=rampart)")
    ap.add_argument("--daemon", action="store_true", help="large pastes relayed to a daemon")
    ap.add_argument("--no-large", action="store_true", help="skip the large pastes")
    args = ap.parse_args()
    pwbench.EXTRA_ENV[:] = args.env
    names = pastes(1)["0.2-1 KB"][0]
    print("cold start to first verdict, host without daemon (median of 7; peak RSS of the host):")
    for what, text in (("blocked key", KEY), ("realistic paste <1 KB", names)):
        for models in (False, True):
            med, lo, hi, rss, v = cold(args.bin, models, text)
            print(f"  {what:<22} models {'on ' if models else 'off'}: {med:6.0f} ms (min {lo:.0f}, max {hi:.0f}), "
                  f"host peak RSS {rss:5.1f} MiB, {v.get('action')}")

    home = Home(args.bin, models=True)
    t0 = time.perf_counter()
    d = home.start_daemon()
    up = (time.perf_counter() - t0) * 1000
    time.sleep(0.5)
    rss_start = memory(d.pid)[0]
    h = home.host()
    first, _ = timed(h.inspect, names)
    for bucket in pastes(30).values():
        for t in bucket:
            h.inspect(t)
    rss_now, rss_peak = memory(d.pid)
    print(f"daemon (models on): socket after {up:.0f} ms, RSS {rss_start:.1f} MiB after start, "
          f"{rss_now:.1f} MiB after 90 realistic pastes (peak {rss_peak:.1f} MiB); first relayed verdict {first:.0f} ms")
    h.close()
    if not args.daemon:
        home.close()

    if args.no_large:
        if args.daemon:
            home.close()
        return
    host_home = home if args.daemon else Home(args.bin, models=True)
    p = host_home.host()
    p.inspect("warm up " + realistic(500))
    rows = []
    for mib in (0.25, 1, 2, 4, 7):
        text = realistic(int(mib * 1024 * 1024) - 40) + "\nkey AKIAT4SYWB5WKH7DNSIP"
        ts = []
        for _ in range(3):
            ms, v = timed(p.inspect, text)
            ts.append(ms)
        ts.sort()
        rows.append((mib, ts[1]))
        print(f"large paste {mib:>5} MiB: median {ts[1]:.0f} ms ({v.get('action')} by {v.get('decided_by')})")
    (x0, y0), (x1, y1) = rows[1], rows[-1]
    print(f"linear term: about {(y1 - y0) / (x1 - x0):.0f} ms per MiB")
    p.close()
    host_home.close()


if __name__ == "__main__":
    main()
