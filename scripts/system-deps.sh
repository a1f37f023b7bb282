#!/usr/bin/env bash
# Installs the system packages the tests use (chromium, postgresql, redis-server) when run as
# root on Debian; otherwise lists what is missing and how to get it. Never fails the build:
# scripts/test.sh skips (loudly) the parts whose server is missing.
set -u
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v dovecot >/dev/null 2>&1 || missing+=(dovecot-imapd)
command -v swaks >/dev/null 2>&1 || missing+=(swaks)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${missing[*]} (apt-get) …"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq "${missing[@]}" >/dev/null \
    || echo "warning: could not install ${missing[*]}; the tests that need them will be skipped"
else
  echo "missing: ${missing[*]}. On Debian: sudo apt-get install ${missing[*]}"
  echo "(the tests that need them are skipped until then)"
fi
exit 0
