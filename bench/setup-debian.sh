#!/bin/sh
# Installs the Debian packages the thumbnail comparison of `npm run bench`
# uses: Pillow, ImageMagick and libjpeg-turbo's djpeg. Packages already
# present are left alone; run as root (or through sudo) on Debian or Ubuntu.
set -eu

packages="python3-pil imagemagick libjpeg-turbo-progs"
missing=""
for package in $packages; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $package"
  fi
done

if [ -z "$missing" ]; then
  echo "bench set-up: $packages already installed"
  exit 0
fi

echo "bench set-up: installing$missing"
apt-get update
# shellcheck disable=SC2086 # one word per package is what apt-get needs
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing
