#!/usr/bin/env bash
# The Debian package on a new machine (ctest package_install): built by scripts/package.sh,
# lintian finds no error in it; installed with apt into a fresh Debian 12 root made by debootstrap,
# which brings exactly the dependencies it declares; its unit passes `systemd-analyze verify`;
# and the installed server, run in that root with the unit's settings and the installed
# /etc/ignition/ignition.env filled in, answers /ready with 200 against the tests' Postgres; and
# with the root booted under systemd (systemd-nspawn), the unit starts, restarts and stops it.
#   tests/deploy/package_test.sh <tools dir>     (needs root: debootstrap and chroot)
# Needs IGNITION_TEST_PG_DIR. The pristine root is kept in <tools dir>/bookworm and copied per run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tools=$1
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "package_test: needs root (debootstrap, chroot) or sudo" >&2; exit 1; }
  exec sudo --preserve-env=IGNITION_TEST_PG_DIR,PATH "$0" "$@"
fi

# Built as the user who asked for the test (through sudo): the build writes to the source tree.
as_caller=()
[ -n "${SUDO_USER:-}" ] && as_caller=(runuser -u "$SUDO_USER" --)
deb=$("${as_caller[@]}" env BUILD_DIR="$tools/package-build" "$root/scripts/package.sh" | tail -1)
echo "package: $deb"
if ! findings=$(lintian --fail-on error --suppress-tags binary-without-manpage "$deb" 2>&1); then
  echo "$findings" >&2
  exit 1
fi
grep -v "root privileges" <<<"$findings" || true  # its warnings, for the log

pristine="$tools/bookworm"
if [ ! -f "$pristine/.complete" ]; then
  rm -rf --one-file-system "$pristine"
  debootstrap --variant=minbase bookworm "$pristine" http://deb.debian.org/debian >/dev/null
  touch "$pristine/.complete"
fi
machine=$(mktemp -d "$tools/machine.XXXXXX")
server=""
cleanup() {
  set +e
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server"
  umount "$machine/proc" 2>/dev/null
  rm -rf --one-file-system "$machine"
  [ -n "${database:-}" ] && psql "$admin" -XAtq -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null
}
trap cleanup EXIT
# Runs a command, showing its output only when it fails.
quietly() {
  local out
  out=$("$@" 2>&1) || { echo "$out" >&2; return 1; }
}
cp -a "$pristine/." "$machine/"
cp /etc/resolv.conf "$machine/etc/resolv.conf"
mount -t proc proc "$machine/proc" 2>/dev/null || echo "package_test: no /proc in the root (apt and the server do without)"
cp "$deb" "$machine/tmp/"
quietly chroot "$machine" apt-get update -qq
quietly chroot "$machine" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  "/tmp/$(basename "$deb")"
test "$(stat -c %a "$machine/etc/ignition/ignition.env")" = 600
chroot "$machine" ignition-api --version
chroot "$machine" ignition-migrate --version

# The unit as installed, checked where the binaries it names exist, once the root has the
# systemd every real host has (its targets are what the unit is ordered against).
quietly chroot "$machine" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends systemd
systemd-analyze verify --root="$machine" /lib/systemd/system/ignition-api.service

# A database for it (migrations are the operator's step: the template is migrated).
admin=$(cat "$IGNITION_TEST_PG_DIR/conninfo")
database="t_package_$$"
psql "$admin" -XAtq -c "CREATE DATABASE $database TEMPLATE ignition_template"
pg_port=$(sed -n 's/.*port=\([0-9]*\).*/\1/p' <<<"$admin")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
env_file="$machine/etc/ignition/ignition.env"
sed -i "s|^DATABASE_URL=.*|DATABASE_URL=postgresql://postgres@127.0.0.1:$pg_port/$database|" "$env_file"
sed -i "s|^AUTH_SECRET=.*|AUTH_SECRET=$(head -c 48 /dev/urandom | base64 -w0)|" "$env_file"
# In systemd's order: the unit's Environment= line, then the file's assignments (which win; the
# template's values need no quotes, so none are stripped), then this run's port.
read -r -a settings <<<"$(sed -n 's/^Environment=//p' "$machine/lib/systemd/system/ignition-api.service")"
while IFS= read -r line; do
  [[ $line =~ ^[A-Z_0-9]+= ]] && settings+=("$line")
done <"$env_file"
settings+=("PORT=$port")
mkdir -p "$machine/var/lib/ignition"
run_in_machine() {
  chroot "$machine" env -i PATH=/usr/bin:/bin "${settings[@]}" "$@"
}
run_in_machine ignition-api --check-config >/dev/null
run_in_machine ignition-migrate status >/dev/null
# In the background as itself (chroot, env and sh each exec the next), so that $! is the server.
chroot "$machine" env -i PATH=/usr/bin:/bin "${settings[@]}" sh -c 'cd /var/lib/ignition && exec ignition-api' \
  >"$tools/package-server.log" 2>&1 &
server=$!
ready=no
for _ in $(seq 1 100); do
  if run_in_machine ignition-api healthcheck >/dev/null 2>&1; then
    ready=yes
    break
  fi
  sleep 0.2
done
if [ $ready = no ]; then
  echo "the installed server never became ready:" >&2
  cat "$tools/package-server.log" >&2
  exit 1
fi
echo "ready: the installed server answers /ready with 200 on port $port"
# And it stops as systemd stops it: SIGTERM, drained, exit 0.
kill -TERM "$server"
wait "$server"
server=""
echo "stopped cleanly"

# Then under systemd itself: the root booted in a container (systemd-nspawn, on this host's
# network) runs the unit as installed, its sandbox and dynamic user included. A script inside
# starts it, kills it (systemd restarts it), stops it, and reports.
umount "$machine/proc" 2>/dev/null || true
sed -i "s|^PORT=.*|PORT=$port|" "$env_file"
cp "$here/drive_unit.sh" "$machine/root/drive.sh"
printf '[Service]\nType=oneshot\nExecStart=/bin/sh /root/drive.sh\n[Install]\nWantedBy=multi-user.target\n' \
  >"$machine/etc/systemd/system/drive.service"
chroot "$machine" systemctl enable drive.service 2>/dev/null
timeout 180 systemd-nspawn --register=no --keep-unit --quiet -D "$machine" -b >"$tools/package-boot.log" 2>&1 || true
report="$machine/root/drive.log"
for expected in ready=yes User=ignition-api ready_after_kill=yes NRestarts=1 Result=success ExecMainStatus=0; do
  if ! grep -qx "$expected" "$report" 2>/dev/null; then
    echo "under systemd: no \"$expected\" in the report" >&2
    cat "$report" "$tools/package-boot.log" >&2 2>/dev/null
    exit 1
  fi
done
echo "under systemd: started as a dynamic user, restarted after SIGKILL, stopped with status 0"
