#!/bin/bash
# tests/export-ci.sh: `launchready export ci NAME --github|--gitlab`. The
# workflows are parsed as YAML and checked against the documented schemas
# (GitHub Actions workflow syntax, the upload-sarif action's inputs, GitLab
# CI's .gitlab-ci.yml keywords); the audit command they run is parsed back
# and run through launchready's own option parser.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
. "$top_srcdir/tests/lab/lib.sh"
python3 -c 'import yaml' 2>/dev/null || lab_skip "python3-yaml is not installed"
[ -x "$LAUNCHREADY" ] || lab_fail "LAUNCHREADY is not set to the built program"

state=$(mktemp -d "${TMPDIR:-/tmp}/export-ci.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$state"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }

sessions=$state/sessions
mkdir -p "$sessions" "$state/repo"
cat >"$sessions/shop.cfg" <<'CFG'
version = 1;
created = "2026-11-23T08:55:00Z";
started = "2026-11-23T09:00:00Z";
saved = "2026-11-23T22:10:00Z";
selected_stage = 1;
form = {
  client = "Shop";
  consultant = "Lab";
  sends_email = 1;
  domain = "shop.example";
  domain_unicode = "shop.example";
  subdomains = [ "app", "api" ];
  dkim_selectors = [ "s1" ];
  repo = "/home/ana/clients/shop";
  login_url = "https://app.shop.example/login?next=/it's";
  health_url = "https://api.shop.example/healthz";
  api_urls = [ "https://api.shop.example/v1/me" ];
  email = 1;
  allow_active = false;
  port_map = ( { from = 443; to = 8443; } );
  cacert = "/tmp/lab-ca.pem";
  timeout = 20;
};
items = ();
handover = {
  access = ();
};
CFG

run() { rc=0; (cd "$state/repo" && "$LAUNCHREADY" "$@" --session-dir "$sessions") \
    >"$state/out" 2>"$state/err" || rc=$?; }

run export ci shop --github
[ "$rc" -eq 0 ] || fail "export ci --github exited $rc: $(cat "$state/err")"
gh=$state/repo/.github/workflows/launchready.yml
[ -f "$gh" ] || fail "no .github/workflows/launchready.yml"
grep -q "port-map is a lab setting" "$state/err" || fail "no note on the port map"
# The default path is never replaced.
run export ci shop --github
[ "$rc" -eq 3 ] && grep -q "launchready.yml" "$state/err" ||
    fail "a second export over the default path: exit $rc, $(cat "$state/err")"
run export ci shop --gitlab
[ "$rc" -eq 0 ] || fail "export ci --gitlab exited $rc"
gl=$state/repo/launchready.gitlab-ci.yml
run export ci shop --gitlab -o "$state/gl2.yml"
cmp -s "$gl" "$state/gl2.yml" || fail "-o FILE differs from the default file"
run export ci shop
[ "$rc" -eq 2 ] && grep -q -- "--github or --gitlab" "$state/err" || fail "export ci with no flavour: exit $rc"

python3 - "$gh" "$gl" >"$state/commands" <<'PY' || fail "the workflows do not follow the schemas"
import re, shlex, sys, yaml
gh = yaml.safe_load(open(sys.argv[1]))
gl = yaml.safe_load(open(sys.argv[2]))

# GitHub Actions: "Workflow syntax for GitHub Actions".
WF = {"name", "run-name", "on", "permissions", "env", "defaults", "concurrency", "jobs"}
JOB = {"name", "permissions", "needs", "if", "runs-on", "environment", "concurrency",
       "outputs", "env", "defaults", "steps", "timeout-minutes", "strategy",
       "continue-on-error", "container", "services", "uses", "with", "secrets"}
STEP = {"id", "if", "name", "uses", "run", "working-directory", "shell", "with", "env",
        "continue-on-error", "timeout-minutes"}
EVENTS = {"push", "pull_request", "schedule", "workflow_dispatch"}
PERMS = {"actions", "checks", "contents", "deployments", "id-token", "issues",
         "discussions", "packages", "pages", "pull-requests", "repository-projects",
         "security-events", "statuses"}
# Actions and their documented inputs (action.yml of each).
ACTIONS = {
    "actions/checkout@v4": {"repository", "ref", "token", "path", "fetch-depth"},
    "github/codeql-action/upload-sarif@v3": {"sarif_file", "checkout_path", "ref", "sha",
        "token", "matrix", "category", "wait-for-processing"},
}
assert set(gh) <= WF, set(gh) - WF
assert set(gh["on"]) == EVENTS, gh["on"]
cron = gh["on"]["schedule"][0]["cron"]
f = cron.split()
assert len(f) == 5 and re.fullmatch(r"\d+", f[0]) and re.fullmatch(r"\d+", f[1]) and f[2:] == ["*", "*", "*"], cron
assert set(gh["permissions"]) <= PERMS and gh["permissions"]["security-events"] == "write"
for name, job in gh["jobs"].items():
    assert set(job) <= JOB, set(job) - JOB
    assert job["runs-on"]
    for st in job["steps"]:
        assert set(st) <= STEP, set(st) - STEP
        assert ("uses" in st) != ("run" in st), st
        if "uses" in st:
            assert st["uses"] in ACTIONS, st["uses"]
            assert set(st.get("with", {})) <= ACTIONS[st["uses"]], st
uses = [st.get("uses") for st in gh["jobs"]["audit"]["steps"]]
assert "github/codeql-action/upload-sarif@v3" in uses
up = [st for st in gh["jobs"]["audit"]["steps"] if st.get("uses", "").startswith("github/codeql")][0]
assert up["with"]["sarif_file"] == "launchready.sarif" and "always()" in up["if"]
runs = [st["run"] for st in gh["jobs"]["audit"]["steps"] if "run" in st]
assert any("make install" in r for r in runs)
audit = [l for r in runs for l in r.splitlines() if l.startswith("launchready audit")]
assert len(audit) == 1, runs
print(audit[0])

# GitLab CI: the .gitlab-ci.yml keyword reference.
JOBKEYS = {"after_script", "allow_failure", "artifacts", "before_script", "cache",
           "coverage", "dependencies", "environment", "extends", "image", "interruptible",
           "needs", "parallel", "release", "resource_group", "retry", "rules", "script",
           "services", "stage", "tags", "timeout", "trigger", "variables", "when"}
ART = {"paths", "exclude", "expire_in", "expose_as", "name", "public", "reports",
       "untracked", "when"}
assert list(gl) == ["launchready"], list(gl)
job = gl["launchready"]
assert set(job) <= JOBKEYS, set(job) - JOBKEYS
assert set(job["artifacts"]) <= ART and job["artifacts"]["when"] == "always"
assert "launchready.sarif" in job["artifacts"]["paths"]
srcs = {re.search(r'"(\w+)"', r["if"]).group(1) for r in job["rules"]}
assert {"push", "merge_request_event", "schedule"} <= srcs, srcs
assert any("make install" in l for l in job["before_script"])
audit = [l for l in job["script"] if l.startswith("launchready audit")]
assert len(audit) == 1, job["script"]
print(audit[0].strip())
PY
ok "both workflows follow the documented keys"

# The commands run the session's audit, fail at high, write SARIF; they
# parse with launchready's own command line (--help stops before running).
n=0
while IFS= read -r line; do
	n=$((n + 1))
	eval "set -- ${line#launchready }"
	for want in "shop.example" "--subdomains app,api" "--fail-on high" "--format sarif" \
	    "-o launchready.sarif" "--timeout 20" "--repo ." "--dkim-selectors s1" \
	    "--login-url https://app.shop.example/login?next=/it's" \
	    "--api-url https://api.shop.example/v1/me" "--email yes"; do
		case " $* " in *" $want "*) ;; *) fail "command $n lacks '$want': $line" ;; esac
	done
	case " $* " in *"--port-map"*|*"--cacert"*) fail "command $n carries lab settings: $line" ;; esac
	"$LAUNCHREADY" "$@" --help >/dev/null 2>"$state/err" ||
	    fail "command $n does not parse: $(cat "$state/err")"
done <"$state/commands"
[ "$n" -eq 2 ] || fail "$n audit commands found, want 2"
ok "the workflows run the session's audit"

# contrib/: the portfolio's GitHub Actions matrix and Kubernetes Indexed Job.
python3 - "$top_srcdir/contrib" <<'PY' >"$state/contrib" || fail "contrib/ examples do not follow the schemas"
import re, sys, yaml
c = sys.argv[1]
gh = yaml.safe_load(open(c + "/github-actions/portfolio.yml"))
WF = {"name", "run-name", "on", "permissions", "env", "defaults", "concurrency", "jobs"}
JOB = {"name", "permissions", "needs", "if", "runs-on", "environment", "concurrency",
       "outputs", "env", "defaults", "steps", "timeout-minutes", "strategy",
       "continue-on-error", "container", "services"}
STEP = {"id", "if", "name", "uses", "run", "working-directory", "shell", "with", "env",
        "continue-on-error", "timeout-minutes"}
ACTIONS = {
    "actions/checkout@v4": {"repository", "ref", "token", "path", "fetch-depth"},
    "actions/upload-artifact@v4": {"name", "path", "if-no-files-found", "retention-days",
        "compression-level", "overwrite"},
}
assert set(gh) <= WF and set(gh["on"]) <= {"schedule", "workflow_dispatch", "push"}
job = gh["jobs"]["audit"]
assert set(job) <= JOB, set(job) - JOB
shards = job["strategy"]["matrix"]["shard"]
n = len(shards)
assert shards == list(range(1, n + 1)), shards
assert job["strategy"]["fail-fast"] is False
runs = []
for st in job["steps"]:
    assert set(st) <= STEP, st
    if "uses" in st:
        assert st["uses"] in ACTIONS, st["uses"]
        assert set(st.get("with", {})) <= ACTIONS[st["uses"]], st
    else:
        runs.append(st["run"])
audit = [l for r in runs for l in r.splitlines() if l.startswith("launchready audit")]
assert len(audit) == 1 and ("--shard ${{ matrix.shard }}/%d" % n) in audit[0], audit
print(audit[0].replace("${{ matrix.shard }}", "1"))

k = yaml.safe_load(open(c + "/kubernetes/portfolio-job.yaml"))
assert k["apiVersion"] == "batch/v1" and k["kind"] == "Job"
spec = k["spec"]
assert set(spec) <= {"completionMode", "completions", "parallelism", "backoffLimit",
    "activeDeadlineSeconds", "ttlSecondsAfterFinished", "template", "selector",
    "manualSelector", "suspend", "podFailurePolicy", "backoffLimitPerIndex",
    "maxFailedIndexes"}, set(spec)
assert spec["completionMode"] == "Indexed"
pod = spec["template"]["spec"]
assert pod["restartPolicy"] in ("Never", "OnFailure")
ctr = pod["containers"][0]
assert set(ctr) <= {"name", "image", "imagePullPolicy", "command", "args", "env",
    "resources", "volumeMounts", "securityContext", "workingDir"}, set(ctr)
script = ctr["command"][-1]
m = re.search(r'--shard "\$\(\(JOB_COMPLETION_INDEX \+ 1\)\)/(\d+)"', script)
assert m and int(m.group(1)) == spec["completions"], script
mounts = {v["mountPath"] for v in ctr["volumeMounts"]}
assert any(script.find(p + "/") >= 0 for p in mounts), (script, mounts)
assert {v["name"] for v in ctr["volumeMounts"]} <= {v["name"] for v in pod["volumes"]}
line = [l for l in script.splitlines() if l.startswith("launchready audit")][0]
print(line.replace('"$((JOB_COMPLETION_INDEX + 1))/%d"' % spec["completions"], "1/%d" % spec["completions"]))
PY
# Their commands parse with launchready's own command line.
while IFS= read -r line; do
	eval "set -- ${line#launchready }"
	"$LAUNCHREADY" "$@" --help >/dev/null 2>"$state/err" ||
	    fail "contrib command does not parse: $line: $(cat "$state/err")"
done <"$state/contrib"
[ "$(wc -l <"$state/contrib")" -eq 2 ] || fail "contrib: $(wc -l <"$state/contrib") commands, want 2"
ok "contrib/ examples follow the schemas"

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "export-ci: all passed"
