#!/bin/sh
# Installs the build and test dependencies that are missing (Debian).
set -e
missing=
pkg-config --exists libelf || missing="$missing libelf-dev"
pkg-config --exists libdw || missing="$missing libdw-dev"
pkg-config --exists libtracefs || missing="$missing libtracefs-dev"
pkg-config --exists libtraceevent || missing="$missing libtraceevent-dev"
pkg-config --exists cmocka || missing="$missing libcmocka-dev"
dpkg -s libzydis-dev >/dev/null 2>&1 || missing="$missing libzydis-dev"
# libc's own debug info: the tests that resolve libc's locals and variables
dpkg -s libc6-dbg >/dev/null 2>&1 || missing="$missing libc6-dbg"
# <sys/sdt.h>: the USDT fixtures (Debian installs it under the multiarch directory)
[ -e /usr/include/sys/sdt.h ] || [ -e /usr/include/x86_64-linux-gnu/sys/sdt.h ] ||
	missing="$missing systemtap-sdt-dev"
for t in gcc:gcc g++:g++ clang:clang ld.lld:lld groff:groff-base \
	 pkg-config:pkg-config eu-readelf:elfutils python3:python3; do
	command -v "${t%%:*}" >/dev/null 2>&1 || missing="$missing ${t#*:}"
done
# tests/cli-completion.sh: TAB in a real bash, with Debian's bash-completion
[ -r /usr/share/bash-completion/bash_completion ] || missing="$missing bash-completion"
command -v tmux >/dev/null 2>&1 || missing="$missing tmux"
command -v pmccabe >/dev/null 2>&1 || missing="$missing pmccabe"	# checkstyle's function sizes
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing:$missing; install them as root" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
