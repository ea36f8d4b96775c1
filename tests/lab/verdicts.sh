# tests/lab/verdicts.sh: assertions on the JSON of `launchready audit`,
# sourced by the lab tests. The caller sets $out (the JSON file), $current
# (the case's name, for messages), $elapsed_ms for within, and counts in
# $asserts and $failures.

# expect ID STATUS [SEVERITY]: the check's verdict in the last audit.
expect() {
	asserts=$((asserts + 1))
	got=$(jq -r --arg id "$1" '.checks[] | select(.id == $id) | "\(.status) \(.severity)"' "$out")
	want="$2${3:+ $3}"
	case "$got" in
	"$want"|"$want "*) ;;
	*)
		echo "FAIL: $current $1: want $want, got '${got:-nothing}'"
		jq -c --arg id "$1" '.checks[] | select(.id == $id) | {summary, evidence}' "$out" | head -c 600; echo
		failures=$((failures + 1));;
	esac
}

# evidence ID TEXT: some evidence line (or the summary) of ID holds TEXT.
evidence() {
	asserts=$((asserts + 1))
	if ! jq -e --arg id "$1" --arg t "$2" '.checks[] | select(.id == $id) |
	    ([.summary] + .evidence) | any(contains($t))' "$out" >/dev/null; then
		echo "FAIL: $current $1: no evidence holds '$2'"
		failures=$((failures + 1))
	fi
}

# within MS: the last audit took at most MS milliseconds.
within() {
	asserts=$((asserts + 1))
	if [ "$elapsed_ms" -gt "$1" ]; then
		echo "FAIL: $current: took $elapsed_ms ms (bound $1 ms)"
		failures=$((failures + 1))
	fi
}
