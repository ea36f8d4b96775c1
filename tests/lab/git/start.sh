#!/bin/sh
# start.sh STATEDIR: builds the demo client's repository (brightcart.test)
# with planted secrets and writes STATEDIR/git.env (LAB_REPO=...). No
# server runs: the repository is the lab.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$1"
state=$(cd "$1" && pwd)
rm -rf "$state/brightcart-repo" "$state/brightcart-repo.outside"
sh "$here/make-repo.sh" "$state/brightcart-repo" "$state/git-planted.tsv"
printf 'LAB_REPO=%s\nLAB_REPO_PLANTED=%s\n' "$state/brightcart-repo" \
    "$state/git-planted.tsv" >"$state/git.env"
