#!/usr/bin/env bash
# OS packages the reports need: a CJK font (fonts-noto-cjk), libharfbuzz-subset0
# for weasyprint's font subsetting, and poppler-utils (pdftoppm/pdffonts) for the
# report tests. Installed with apt when missing and we are root; otherwise we
# say exactly what to install and fail.
set -euo pipefail
missing=()
[ -n "$(fc-list :lang=zh family 2>/dev/null)" ] || missing+=(fonts-noto-cjk)
ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset.so.0 || missing+=(libharfbuzz-subset0)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "missing OS packages: ${missing[*]} — run: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "installing OS packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
