package examples_test

import (
	"bytes"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/fleet-iac/fleet/command"
	"github.com/fleet-iac/fleet/providers/sim"
)

// asFleet makes this test binary act as the fleet command when a recipe's
// shell runs "fleet" (a script on PATH re-executes the binary with it set).
const asFleet = "FLEET_EXAMPLES_RUN_AS_FLEET"

func TestMain(m *testing.M) {
	if os.Getenv(asFleet) == "1" {
		os.Exit(command.Run(append([]string{"fleet"}, os.Args[1:]...), os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// recipeRunner is a runner's machine for one recipe run: a repository with
// a fleet split across infra/main.yaml and infra/servers.yaml, and a PATH
// where "fleet" is this binary, "go install" does nothing (fleet is
// already there) and "gh" and "curl" record what they would have posted.
type recipeRunner struct {
	t        *testing.T
	repo     string
	posted   string // where gh and curl stubs append what they post
	base     []string
	simEnv   map[string]string
	baseline int // lines posted before the current job
}

func newRecipeRunner(t *testing.T) *recipeRunner {
	t.Helper()
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("the recipes' commands need bash")
	}
	srv, err := sim.Start(sim.Config{Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	r := &recipeRunner{t: t, repo: t.TempDir(), simEnv: map[string]string{}}
	for _, v := range srv.Env() {
		r.simEnv[v.Name] = v.Value
	}
	bin := t.TempDir()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	r.posted = filepath.Join(t.TempDir(), "posted")
	scripts := map[string]string{
		"fleet": fmt.Sprintf("#!/bin/sh\n%s=1 exec %q \"$@\"\n", asFleet, self),
		"go":    "#!/bin/sh\n[ \"$1\" = install ] && exit 0\necho \"go $*: not in this test\" >&2; exit 1\n",
		// gh pr comment PR --body-file FILE [--edit-last]: record the body
		"gh": "#!/bin/sh\n[ -n \"$GH_TOKEN\" ] || { echo 'gh: no GH_TOKEN' >&2; exit 1; }\nwhile [ $# -gt 0 ]; do [ \"$1\" = --body-file ] && { echo \"== gh comment\" >> \"$POSTED\"; cat \"$2\" >> \"$POSTED\"; }; shift; done\n",
		// curl ... --data-urlencode body@FILE URL: record the body
		"curl": "#!/bin/sh\n[ -n \"$FLEET_GITLAB_TOKEN\" ] || { echo 'curl: no token' >&2; exit 22; }\nfor a; do case \"$a\" in body@*) echo \"== curl note\" >> \"$POSTED\"; cat \"${a#body@}\" >> \"$POSTED\";; esac; done\n",
	}
	for name, body := range scripts {
		if err := os.WriteFile(filepath.Join(bin, name), []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// What any runner has; no cloud credential is in it.
	r.base = []string{"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"), "HOME=" + t.TempDir(), "POSTED=" + r.posted,
		"NCLOUD_API_GW=" + r.simEnv["NCLOUD_API_GW"], "OS_AUTH_URL=" + r.simEnv["OS_AUTH_URL"]}
	for _, name := range []string{"FLEET_SIM_NCP_VPC", "FLEET_SIM_NCP_SUBNET", "FLEET_SIM_NCP_IMAGE", "FLEET_SIM_NCP_SPEC"} {
		r.base = append(r.base, name+"="+r.simEnv[name])
	}
	// one fleet, two environments: the recipes plan and apply each
	r.write("infra/main.yaml", "version: 1\nname: shop-${var.env}\nvariables:\n  env: {}\nstate: { path: \"fleet-${var.env}.lock\" }\nproviders:\n  ncp: { type: ncloud, region: KR }\n")
	r.write("infra/env/dev.yaml", "env: dev\n")
	r.write("infra/env/prod.yaml", "env: prod\n")
	r.write("infra/servers.yaml", "servers:\n  web:\n    provider: ncp\n    count: 1\n    image: ${FLEET_SIM_NCP_IMAGE}\n    type: ${FLEET_SIM_NCP_SPEC}\n    network: { vpc: \"${FLEET_SIM_NCP_VPC}\", subnet: \"${FLEET_SIM_NCP_SUBNET}\" }\n")
	return r
}

func (r *recipeRunner) write(name, content string) {
	p := filepath.Join(r.repo, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

// shell runs one script the way a runner does (bash, stop at the first
// failing command) in the repository with env added to the base.
func (r *recipeRunner) shell(job, script string, env map[string]string) (int, string) {
	cmd := exec.Command("bash", "-e", "-o", "pipefail", "-c", script)
	cmd.Dir = r.repo
	cmd.Env = slices.Clone(r.base)
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		r.t.Fatalf("%s: %v", job, err)
	}
	return code, out.String()
}

// postedSince returns what gh and curl posted since the last call.
func (r *recipeRunner) postedSince() string {
	data, _ := os.ReadFile(r.posted)
	lines := strings.SplitAfter(string(data), "\n")
	out := strings.Join(lines[min(r.baseline, len(lines)):], "")
	r.baseline = len(lines) - 1
	return out
}

// credentials are the simulator's, under the names a recipe's secrets or
// variables give them: read-only ones for plans of proposed changes, the
// read-write ones for the apply.
func (r *recipeRunner) credentials() (readOnly, readWrite map[string]string) {
	readWrite = map[string]string{"NCLOUD_ACCESS_KEY": r.simEnv["NCLOUD_ACCESS_KEY"], "NCLOUD_SECRET_KEY": r.simEnv["NCLOUD_SECRET_KEY"],
		"OS_USERNAME": r.simEnv["OS_USERNAME"], "OS_PASSWORD": r.simEnv["OS_PASSWORD"], "OS_TENANT_ID": r.simEnv["OS_TENANT_ID"],
		"FLEET_PG_DSN": "unused: the test fleet keeps local state"}
	readOnly = map[string]string{}
	for k, v := range readWrite {
		readOnly["FLEET_PLAN_"+strings.TrimPrefix(k, "FLEET_")] = v
	}
	return readOnly, readWrite
}

var ghExpr = regexp.MustCompile(`\$\{\{\s*([^}]*?)\s*\}\}`)

// TestGitHubActionsRecipe runs the recipe's jobs as GitHub would: the plan
// job of a pull request (repository secrets only), then, after the merge,
// the apply job of the push to main (with the production environment's
// secrets), each step's run script in order, env expressions resolved.
func TestGitHubActionsRecipe(t *testing.T) {
	r := newRecipeRunner(t)
	var wf struct {
		Env  map[string]string
		Jobs map[string]struct {
			If          string
			Environment string
			Env         map[string]string
			Steps       []struct {
				Name, Uses, Run string
				Env             map[string]string
			}
		}
	}
	data, err := os.ReadFile(filepath.Join("ci", "github-actions.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, &wf); err != nil {
		t.Fatal(err)
	}
	readOnly, readWrite := r.credentials()
	runJob := func(name string, contexts map[string]string) string {
		job, ok := wf.Jobs[name]
		if !ok {
			t.Fatalf("no %s job", name)
		}
		resolve := func(v string) string {
			return ghExpr.ReplaceAllStringFunc(v, func(m string) string {
				key := ghExpr.FindStringSubmatch(m)[1]
				val, ok := contexts[key]
				if !ok {
					t.Errorf("job %s: %s is not available to it", name, m)
				}
				return val
			})
		}
		env := map[string]string{"GITHUB_OUTPUT": filepath.Join(t.TempDir(), "out"), "GITHUB_STEP_SUMMARY": filepath.Join(t.TempDir(), "summary")}
		for _, block := range []map[string]string{wf.Env, job.Env} {
			for k, v := range block {
				env[k] = resolve(v)
			}
		}
		var log strings.Builder
		for _, step := range job.Steps {
			if step.Run == "" {
				continue // actions/checkout and the like: the repository is already here
			}
			stepEnv := map[string]string{}
			for k, v := range env {
				stepEnv[k] = v
			}
			for k, v := range step.Env {
				stepEnv[k] = resolve(v)
			}
			code, out := r.shell(name+": "+step.Name, step.Run, stepEnv)
			fmt.Fprintf(&log, "== %s (exit %d)\n%s", step.Name, code, out)
			if code != 0 {
				t.Fatalf("job %s, step %q failed:\n%s", name, step.Name, log.String())
			}
		}
		return log.String()
	}
	pr := map[string]string{"github.token": "ghs_test", "github.event.pull_request.number": "7"}
	for k, v := range readOnly {
		pr["secrets."+k] = v
	}
	if !strings.Contains(wf.Jobs["plan"].If, "pull_request") || !strings.Contains(wf.Jobs["apply"].If, "refs/heads/main") {
		t.Fatalf("the plan job must run on pull requests, the apply job on main: %q, %q", wf.Jobs["plan"].If, wf.Jobs["apply"].If)
	}
	runJob("plan", pr)
	posted := r.postedSince()
	for _, want := range []string{"== gh comment", "### fleet plan: `shop-dev`", "### fleet plan: `shop-prod`", "Environment: var file infra/env/prod.yaml", "**Plan: 1 to create.**"} {
		if !strings.Contains(posted, want) {
			t.Errorf("the PR comment lacks %q:\n%s", want, posted)
		}
	}
	if _, err := os.Stat(filepath.Join(r.repo, "infra", "fleet-dev.lock")); err == nil {
		t.Error("the pull request's plan wrote a state")
	}

	main := map[string]string{}
	if wf.Jobs["apply"].Environment != "production" {
		t.Errorf("the apply job should use the production environment, not %q", wf.Jobs["apply"].Environment)
	}
	for k, v := range readWrite {
		main["secrets."+k] = v
	}
	out := runJob("apply", main)
	if strings.Count(out, "Apply complete: 1 created.") != 2 {
		t.Errorf("the apply job did not create the server of each environment:\n%s", out)
	}

	// A broken fleet file in a pull request: the comment says why.
	r.write("infra/servers.yaml", "servers:\n  web:\n    provider: ncp\n    imgae: x\n")
	job := wf.Jobs["plan"]
	step := job.Steps[len(job.Steps)-1]
	env := map[string]string{"FLEET_DIR": "infra", "FLEET_ENVIRONMENTS": "dev", "NO_COLOR": "1", "GH_TOKEN": "ghs_test", "PR": "7", "GITHUB_STEP_SUMMARY": filepath.Join(t.TempDir(), "s")}
	if code, out := r.shell("plan", step.Run, env); code != 1 {
		t.Errorf("a plan of a broken file exited %d, want 1:\n%s", code, out)
	}
	if posted := r.postedSince(); !strings.Contains(posted, "The plan failed with") || !strings.Contains(posted, `did you mean "image"`) {
		t.Errorf("the PR comment of a failed plan does not say why:\n%s", posted)
	}
}

var gitlabVar = regexp.MustCompile(`\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?`)

// TestGitLabRecipe runs the recipe's pipelines as GitLab would: a merge
// request pipeline, which gets only the unprotected variables, then the
// default branch's, which gets the protected ones too; jobs in stage order,
// chosen by their rules; each job's before_script and script in one shell.
func TestGitLabRecipe(t *testing.T) {
	r := newRecipeRunner(t)
	data, err := os.ReadFile(filepath.Join("ci", "gitlab-ci.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	type job struct {
		Stage     string
		Rules     []struct{ If string }
		Variables map[string]string
		Script    []string
	}
	var cfg struct {
		Stages    []string
		Variables map[string]string
		Default   struct {
			BeforeScript []string `yaml:"before_script"`
		}
	}
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		t.Fatal(err)
	}
	jobs := map[string]job{}
	for name := range doc {
		if slices.Contains([]string{"stages", "variables", "default"}, name) {
			continue
		}
		var j struct{ Job map[string]job }
		b, _ := yaml.Marshal(map[string]any{"job": map[string]any{name: doc[name]}})
		if err := yaml.Unmarshal(b, &j); err != nil {
			t.Fatal(err)
		}
		jobs[name] = j.Job[name]
	}
	readOnly, readWrite := r.credentials()
	readOnly["FLEET_GITLAB_TOKEN"] = "glpat-test"
	expand := func(v string, vars map[string]string) string {
		return gitlabVar.ReplaceAllStringFunc(v, func(m string) string { return vars[gitlabVar.FindStringSubmatch(m)[1]] })
	}
	// ruleMatches evaluates the rules' "$A == $B" and "$A == \"x\"" forms.
	ruleMatches := func(j job, vars map[string]string) bool {
		for _, rule := range j.Rules {
			sides := strings.Split(rule.If, "==")
			if len(sides) != 2 {
				t.Fatalf("rule %q: the test reads only A == B", rule.If)
			}
			val := func(s string) string { return strings.Trim(expand(strings.TrimSpace(s), vars), `"`) }
			if val(sides[0]) == val(sides[1]) {
				return true
			}
		}
		return false
	}
	pipeline := func(vars map[string]string) (ran []string, log string) {
		var b strings.Builder
		for _, stage := range cfg.Stages {
			for _, name := range slices.Sorted(maps.Keys(jobs)) {
				j := jobs[name]
				if j.Stage != stage || !ruleMatches(j, vars) {
					continue
				}
				env := map[string]string{}
				for k, v := range vars {
					env[k] = v
				}
				for _, block := range []map[string]string{cfg.Variables, j.Variables} {
					for k, v := range block {
						env[k] = expand(v, vars)
					}
				}
				script := strings.Join(append(slices.Clone(cfg.Default.BeforeScript), j.Script...), "\n")
				code, out := r.shell(name, script, env)
				fmt.Fprintf(&b, "== %s (exit %d)\n%s", name, code, out)
				if code != 0 {
					t.Fatalf("job %s failed:\n%s", name, b.String())
				}
				ran = append(ran, name)
			}
		}
		return ran, b.String()
	}
	predefined := map[string]string{"CI_DEFAULT_BRANCH": "main", "CI_API_V4_URL": "https://gitlab.example/api/v4", "CI_PROJECT_ID": "42"}

	mr := map[string]string{"CI_PIPELINE_SOURCE": "merge_request_event", "CI_MERGE_REQUEST_IID": "7"}
	for _, m := range []map[string]string{predefined, readOnly} { // no protected variable
		for k, v := range m {
			mr[k] = v
		}
	}
	ran, _ := pipeline(mr)
	if diff := slices.Compare(ran, []string{"validate", "plan"}); diff != 0 {
		t.Errorf("merge request pipeline ran %v, want validate and plan", ran)
	}
	posted := r.postedSince()
	for _, want := range []string{"== curl note", "### fleet plan: `shop-dev`", "### fleet plan: `shop-prod`", "Environment: var file infra/env/prod.yaml", "**Plan: 1 to create.**"} {
		if !strings.Contains(posted, want) {
			t.Errorf("the MR note lacks %q:\n%s", want, posted)
		}
	}

	main := map[string]string{"CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "main"}
	for _, m := range []map[string]string{predefined, readOnly, readWrite} {
		for k, v := range m {
			main[k] = v
		}
	}
	ran, log := pipeline(main)
	if diff := slices.Compare(ran, []string{"validate", "apply"}); diff != 0 {
		t.Errorf("default branch pipeline ran %v, want validate and apply", ran)
	}
	if strings.Count(log, "Apply complete: 1 created.") != 2 {
		t.Errorf("the apply job did not create the server of each environment:\n%s", log)
	}
}
