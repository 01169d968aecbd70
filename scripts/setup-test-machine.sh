#!/usr/bin/env bash
# What `npm test` runs on besides npm's packages, installed or started only where missing (README, "Quick start"):
# Chromium, and Firefox ESR and WebKitGTK (the engines without Background Sync, TESTING.md §13; WebKitWebDriver runs
# under Xvfb, whose xvfb-run needs xauth), all from Debian; and PostgreSQL on 127.0.0.1:5432 with a database `test`.
set -euo pipefail
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/firefox-esr ] || missing+=(firefox-esr)
[ -x /usr/bin/WebKitWebDriver ] && [ -x /usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser ] || missing+=(webkit2gtk-driver)
[ -x /usr/bin/xvfb-run ] || missing+=(xvfb)
[ -x /usr/bin/xauth ] || missing+=(xauth)
command -v pg_ctlcluster >/dev/null || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

created=false
[[ " ${missing[*]} " == *" postgresql "* ]] && created=true
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  if [ -z "$(ls /etc/postgresql 2>/dev/null)" ]; then
    as_root pg_createcluster "$(ls /usr/lib/postgresql | tail -1)" main >/dev/null
    created=true
  fi
  as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | tail -1)" main start
fi
# The suite connects as postgres, without a password, over TCP to database `test` (TEST_DATABASE_URL overrides).
# Only a cluster this script made is set up so; an existing one is the owner's to configure.
if $created; then
  hba=$(as_root runuser -u postgres -- psql -tAc 'show hba_file')
  as_root sed -i -E 's/^(host +all +all +127\.0\.0\.1\/32 +)[a-z0-9-]+/\1trust/' "$hba"
  as_root runuser -u postgres -- psql -qc 'select pg_reload_conf()' >/dev/null
  as_root runuser -u postgres -- createdb test 2>/dev/null || true
fi
pg_isready -h 127.0.0.1 -p 5432
