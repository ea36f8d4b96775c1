#!/bin/sh
# stop.sh STATEDIR: removes the demo repository (nothing runs).
set -eu
state=$1
rm -rf "$state/brightcart-repo" "$state/brightcart-repo.outside" \
    "$state/git-planted.tsv" "$state/git.env"
