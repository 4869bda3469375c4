#!/bin/sh
# Run by package_test.sh inside the booted root, as an operator would: the unit started, its
# server killed (systemd restarts it), the unit stopped. Writes /root/drive.log and powers off.
exec >/root/drive.log 2>&1
set -a
. /etc/ignition/ignition.env
set +a
ready() {
  for _ in $(seq 1 50); do
    ignition-api healthcheck >/dev/null 2>&1 && { echo yes; return; }
    sleep 0.2
  done
  echo no
}
systemctl start ignition-api
echo "ready=$(ready)"
systemctl show ignition-api -p User
kill -9 "$(systemctl show ignition-api -p MainPID --value)"
sleep 3 # RestartSec=2s
echo "ready_after_kill=$(ready)"
systemctl show ignition-api -p NRestarts
systemctl stop ignition-api
systemctl show ignition-api -p Result -p ExecMainStatus
journalctl -u ignition-api --no-pager | grep -v '"request"' | tail -15
systemctl poweroff
