#!/usr/bin/env bash
# promptwall-server tests: clippy, unit and integration tests against a real SQLite file AND a real
# PostgreSQL started here on loopback (initdb into a temp dir), a small load test on both
# backends, and the console's Chromium screenshot test (when Chromium and Node are present; under
# CI=true their absence fails the run).
#
# Environment: PROMPTWALL_TEST_POSTGRES_URL set already -> that server is used and none is started.
# SKIP_CONSOLE_TEST=1 skips the browser test (never under CI).
set -euo pipefail
cd "$(dirname "$0")/.."
CI="${CI:-}"
START=$(date +%s)

pg_pid_dir=""
cleanup() {
  if [ -n "$pg_pid_dir" ] && [ -f "$pg_pid_dir/data/postmaster.pid" ]; then
    as_pg "$PGBIN/pg_ctl" -D "$pg_pid_dir/data" -m fast stop >/dev/null 2>&1 || true
  fi
  [ -n "$pg_pid_dir" ] && rm -rf "$pg_pid_dir"
}
trap cleanup EXIT

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_postgres() {
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
    echo "test-server: PostgreSQL server binaries not found (apt-get install postgresql)" >&2
    return 1
  fi
  if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
    echo "test-server: running as root but there is no postgres user" >&2
    return 1
  fi
  pg_pid_dir=$(mktemp -d /tmp/pw-pg.XXXXXX)
  chmod 755 "$pg_pid_dir"
  [ "$(id -u)" = 0 ] && chown postgres "$pg_pid_dir"
  as_pg "$PGBIN/initdb" -D "$pg_pid_dir/data" -U postgres --auth=trust -E UTF8 >/dev/null
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  # TLS on (plain connections still allowed): a throw-away test CA and a certificate for
  # "localhost" only, so server/tests/tls_links.rs can check sslmode=verify-full against a real
  # server (right name and CA accepted, 127.0.0.1 or another CA refused).
  local tls="$pg_pid_dir/tls"
  mkdir -p "$tls"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$tls/ca.key" -out "$tls/ca.pem" \
    -days 2 -subj "/CN=promptwall test CA" -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$tls/server.key" -out "$tls/server.csr" \
    -subj "/CN=localhost" 2>/dev/null
  printf 'subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' >"$tls/ext.cnf"
  openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" -CAcreateserial -out "$tls/server.pem" \
    -days 2 -extfile "$tls/ext.cnf" 2>/dev/null
  rm -f "$tls/ca.key"
  chmod 600 "$tls/server.key"
  [ "$(id -u)" = 0 ] && chown -R postgres "$tls"
  as_pg "$PGBIN/pg_ctl" -D "$pg_pid_dir/data" -l "$pg_pid_dir/log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $pg_pid_dir -c max_connections=300 -c shared_buffers=128MB -c ssl=on -c ssl_cert_file=$tls/server.pem -c ssl_key_file=$tls/server.key" start >/dev/null
  export PROMPTWALL_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres"
  export PROMPTWALL_TEST_POSTGRES_TLS_CA="$tls/ca.pem"
  # Started here with TLS: the TLS tests must run, not skip.
  export PROMPTWALL_REQUIRE_POSTGRES_TLS=1
  echo "test-server: PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
}

if [ -z "${PROMPTWALL_TEST_POSTGRES_URL:-}" ]; then
  if ! start_postgres; then
    if [ "$CI" = true ]; then
      echo "test-server: FAIL: PostgreSQL could not be started under CI" >&2
      exit 1
    fi
    echo "test-server: SKIPPED PostgreSQL tests: no PostgreSQL could be started here" >&2
  fi
fi

if [ -n "${PROMPTWALL_TEST_POSTGRES_URL:-}" ] || [ "$CI" = true ]; then
  # From here on a missing PostgreSQL fails the PostgreSQL tests instead of skipping them.
  export PROMPTWALL_REQUIRE_POSTGRES=1
fi

# scripts/test.sh has already linted the workspace (PROMPTWALL_LINTED=1); run alone, lint here.
[ "${PROMPTWALL_LINTED:-0}" = 1 ] || cargo clippy -p promptwall-server --all-targets --locked -- -D warnings
# Again, now with PostgreSQL required: the workspace run before had none.
cargo test -p promptwall-server --locked

# Small load test on both backends (the full-size figures are in server/README.md).
cargo run -q -p promptwall-server --locked --example loadtest -- --devices 100 --batches 3 --batch-size 50 --resend-every 3
if [ -n "${PROMPTWALL_TEST_POSTGRES_URL:-}" ]; then
  cargo run -q -p promptwall-server --locked --example loadtest -- --devices 100 --batches 3 --batch-size 50 --resend-every 3 \
    --database-url "$PROMPTWALL_TEST_POSTGRES_URL"
fi

# Fleet load, short: 1,000 devices in 4 client processes, 15 s of syncs (ETag polls + heartbeats)
# and uploads with re-sends, a publish every device must pick up, every event stored once
# (about 20 s a backend). PostgreSQL over TLS with sslmode=verify-full when the CA is known. The
# 10,000-device run and its figures: server/README.md, "Fleet load run".
cargo build -q -p promptwall-server --locked --bins
fleet=(--devices 1000 --procs 4 --steady-s 15 --publish-at-s 4 --sync-s 10 --upload-s 5 --poll-wave-s 3)
cargo run -q -p promptwall-server --locked --example fleet_load -- "${fleet[@]}"
if [ -n "${PROMPTWALL_TEST_POSTGRES_URL:-}" ]; then
  pg_fleet_url="$PROMPTWALL_TEST_POSTGRES_URL"
  if [ -n "${PROMPTWALL_TEST_POSTGRES_TLS_CA:-}" ]; then
    pg_port="${PROMPTWALL_TEST_POSTGRES_URL##*:}"
    pg_fleet_url="postgres://postgres@localhost:${pg_port%%/*}/postgres?hostaddr=127.0.0.1&sslmode=verify-full&sslrootcert=$PROMPTWALL_TEST_POSTGRES_TLS_CA"
  fi
  cargo run -q -p promptwall-server --locked --example fleet_load -- "${fleet[@]}" --database-url "$pg_fleet_url"
fi

# Console in real Chromium and the end-to-end test with the real agent; screenshots into
# target/server-artifacts/.
if [ "${SKIP_CONSOLE_TEST:-}" = 1 ] && [ "$CI" != true ]; then
  echo "test-server: SKIPPED console browser test (SKIP_CONSOLE_TEST=1)"
elif [ -x /usr/bin/chromium ] && command -v node >/dev/null; then
  # The demo server for the console test; the real agent and server binaries for the end-to-end test.
  cargo build -q -p promptwall-server --locked --bins --examples
  cargo build -q -p promptwall --locked --bin promptwall
  (cd server/console-test && npm ci --no-audit --no-fund --silent)
  node --test --test-concurrency=1 server/console-test/screenshot.test.mjs server/console-test/agent-e2e.test.mjs
else
  if [ "$CI" = true ]; then
    echo "test-server: FAIL: /usr/bin/chromium or node missing under CI" >&2
    exit 1
  fi
  echo "test-server: SKIPPED console browser test: /usr/bin/chromium or node missing"
fi
echo "test-server: done in $(( $(date +%s) - START )) s"
