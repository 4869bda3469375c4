#!/usr/bin/env bash
# The alert rules (deploy/prometheus): valid by `promtool check rules`, and each alert fires past
# its threshold and stays quiet under it by `promtool test rules`. promtool comes from Debian's
# prometheus package, unpacked into <tools dir> rather than installed (no daemon is started).
#   tests/deploy/prometheus_rules.sh <tools dir>
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rules="$here/../../deploy/prometheus"
tools=$1
promtool="$tools/prometheus/usr/bin/promtool"
if [ ! -x "$promtool" ]; then
  mkdir -p "$tools/prometheus"
  cd "$tools"
  rm -f prometheus_*.deb
  # A machine whose package lists were never fetched has no candidate to download.
  apt-get download prometheus 2>/dev/null || { apt-get update -qq && apt-get download prometheus; }
  dpkg -x prometheus_*.deb "$tools/prometheus"
  rm -f prometheus_*.deb
fi
cd "$rules"
"$promtool" check rules ignition-api.rules.yml
"$promtool" test rules ignition-api.rules.test.yml
