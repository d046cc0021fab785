package command

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fleet-iac/fleet/schema"
)

// TestJSONOutputsMatchSchemas runs every command that prints JSON, in the
// situations that change what it prints (success, failure, nothing to do,
// a saved plan, a blocked plan), and checks each document, and each event
// line, against the schema `fleet schema --output` publishes for it.
func TestJSONOutputsMatchSchemas(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("ops.pub", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAsY4ibf/5KUlJrRsnGDcnfCUh4tXJW6wpD3edaIp40R ops\n")
	fleet := write("fleet.yaml", `version: 1
name: contract
providers:
  ncp: { type: ncloud, region: KR, endpoint: embedded }
  nhn: { type: nhncloud, region: KR1, endpoint: embedded }
servers:
  web:
    provider: ncp
    image: SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050
    type: s2-g2-s50
    network: { vpc: "75", subnet: "36" }
    volumes:
      - { name: data, size: 50, type: SSD }
  db:
    provider: nhn
    image: 9956f822-29c9-4f81-9410-0c392d9c8c24
    type: m2.c4m8
    zone: kr-pub-a
    network: { subnet: b83863ff-0355-4c73-8c10-0bdf66a69aab }
    key: ops
    protect: true
    user_data: "#cloud-config\n"
  cache: # NHN names members 1-10 of a batch as declared: one batch create
    provider: nhn
    count: 2
    image: 9956f822-29c9-4f81-9410-0c392d9c8c24
    type: m2.c4m8
    zone: kr-pub-a
    network: { subnet: b83863ff-0355-4c73-8c10-0bdf66a69aab }
    key: ops
keypairs:
  ops: { provider: nhn, public_key_file: ops.pub }
`)
	bad := write("bad.yaml", "version: 1\nname: contract\nservers:\n  web:\n    imgae: x\n")
	unset := write("unset.yaml", "version: 1\nname: other\nproviders:\n  ncp: { type: ncloud, region: KR, endpoint: \"${FLEET_CONTRACT_UNSET}\" }\n")
	nocreds := write("nocreds.yaml", "version: 1\nname: nocreds\nproviders:\n  ncp: { type: ncloud, region: KR }\n")
	saved := filepath.Join(dir, "plan.json")
	checkedFleet := func(typ string) string {
		return `version: 1
name: checked
state: { path: checked.lock }
providers:
  ncp: { type: ncloud, region: KR, endpoint: embedded }
servers:
  app:
    provider: ncp
    count: 2
    image: SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050
    type: ` + typ + `
    network: { vpc: "75", subnet: "36" }
    rollout: { max_unavailable: 1, check: { command: "true", interval: 1s } }
    ignore: [type]
`
	}
	checked := write("checked.yaml", checkedFleet("s2-g2-s50"))
	checkedLater := write("checked-later.yaml", checkedFleet("s4-g2-s50"))
	// a fleet with variables: plans and the state say which environment
	envs := write("envs.yaml", `version: 1
name: envs-${var.env}
variables:
  env: {}
  token: { sensitive: true, default: not-shown }
state: { path: "envs-${var.env}.lock" }
providers:
  ncp: { type: ncloud, region: KR, endpoint: embedded }
servers:
  web:
    provider: ncp
    image: SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050
    type: s2-g2-s50
    network: { vpc: "75", subnet: "36" }
`)
	envVars := write("dev.yaml", "env: dev\n")
	// a server whose rollout check never passes: its check action fails
	unhealthy := write("unhealthy.yaml", `version: 1
name: unhealthy
state: { path: unhealthy.lock }
providers:
  ncp: { type: ncloud, region: KR, endpoint: embedded }
servers:
  web:
    provider: ncp
    image: SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050
    type: s2-g2-s50
    network: { vpc: "75", subnet: "36" }
    rollout: { max_unavailable: 1, check: { command: "exit 3", timeout: 1s, interval: 1s } }
`)
	envSaved := filepath.Join(dir, "envs-plan.json")

	type step struct {
		args   []string
		code   int
		schema string // "events": every line is one event
	}
	steps := []step{
		{[]string{"validate", "--format", "json", "-f", fleet}, 0, "validate"},
		{[]string{"validate", "--format", "json", "-f", bad}, 1, "validate"},
		{[]string{"validate", "--format", "json", "-f", unset}, 0, "validate"},
		{[]string{"plan", "--json", "-f", fleet}, 0, "plan"},
		{[]string{"plan", "--json", "-f", bad}, 1, "plan"},
		{[]string{"plan", "--json", "-f", nocreds}, 1, "plan"},
		{[]string{"plan", "--format", "json", "--out", saved, "-f", fleet}, 0, "plan"},
		{[]string{"show", "--json", saved}, 0, "plan"},
		{[]string{"show", "--json", "-f", fleet}, 0, "state"},
		{[]string{"apply", "--auto-approve", "--json", "-f", fleet}, 0, "events"},
		{[]string{"apply", "--auto-approve", "--json", "-f", fleet}, 0, "events"},
		{[]string{"plan", "--json", "-f", fleet}, 0, "plan"},
		{[]string{"show", "--json", "-f", fleet}, 0, "state"},
		{[]string{"output", "--json", "-f", fleet}, 0, "output"},
		{[]string{"output", "--json", "--refresh", "-f", fleet}, 0, "output"},
		{[]string{"reboot", "--auto-approve", "--json", "server/web", "-f", fleet}, 0, "events"},
		{[]string{"reboot", "--auto-approve", "--json", "server/nope", "-f", fleet}, 1, "events"},
		{[]string{"state", "show", "server/web", "-f", fleet}, 0, "state#resource"},
		{[]string{"state", "show", "volume/web/data", "-f", fleet}, 0, "state#resource"},
		{[]string{"state", "show", "keypair/ops", "-f", fleet}, 0, "state#resource"},
		// server/db is protected: the destroy plan is blocked
		{[]string{"plan", "--destroy", "--json", "-f", fleet}, 1, "plan"},
		{[]string{"destroy", "--auto-approve", "--json", "--target", "server/web", "-f", fleet}, 0, "events"},
		// rollout checks, an ignored difference, a requested replacement
		{[]string{"apply", "--auto-approve", "--json", "-f", checked}, 0, "events"},
		{[]string{"plan", "--json", "--replace", "server/app-1", "-f", checkedLater}, 0, "plan"},
		{[]string{"reboot", "--auto-approve", "--json", "server/app", "-f", checked}, 0, "events"},
		// runs that fail before they start end with apply_errored
		{[]string{"apply", "--auto-approve", "--json", "-f", bad}, 1, "events"},
		{[]string{"destroy", "--auto-approve", "--json", "-f", fleet}, 1, "events"},
		{[]string{"apply", "--auto-approve", "--json", "-f", nocreds}, 1, "events"},
		{[]string{"plan", "--json", "--var-file", envVars, "--out", envSaved, "-f", envs}, 0, "plan"},
		{[]string{"show", "--json", envSaved}, 0, "plan"},
		{[]string{"apply", "--json", "-f", envs, envSaved}, 0, "events"},
		// an action that fails: action_failed, then apply_finished
		{[]string{"apply", "--auto-approve", "--json", "-f", unhealthy}, 1, "events"},
		{[]string{"show", "--json", "--var-file", envVars, "-f", envs}, 0, "state"},
	}
	for _, st := range steps {
		name := strings.Join(st.args, " ")
		var out, errb bytes.Buffer
		code := Run(append([]string{"fleet"}, st.args...), strings.NewReader(""), &out, &errb)
		if code != st.code {
			t.Fatalf("fleet %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", name, code, st.code, out.String(), errb.String())
		}
		if out.Len() == 0 {
			t.Fatalf("fleet %s printed nothing on stdout", name)
		}
		if strings.Contains(name, "envs") && st.schema != "events" && !bytes.Contains(out.Bytes(), []byte(`"environment"`)) {
			t.Errorf("fleet %s: a fleet with variables, and no environment in the document:\n%s", name, out.String())
		}
		docs := [][]byte{out.Bytes()}
		if st.schema == "events" {
			docs = bytes.SplitAfter(bytes.TrimSuffix(out.Bytes(), []byte("\n")), []byte("\n"))
			end := `"event":"apply_finished"`
			// A run whose action failed exits 1 after it started, so it
			// still ends with apply_finished.
			failedAction := slices.Contains(st.args, unhealthy)
			if st.code != 0 && !failedAction {
				end = `"event":"apply_errored"`
			}
			if failedAction && !bytes.Contains(out.Bytes(), []byte(`"event":"action_failed"`)) {
				t.Errorf("fleet %s: no action_failed event", name)
			}
			if last := docs[len(docs)-1]; !bytes.Contains(last, []byte(end)) {
				t.Errorf("fleet %s: the last event is not %s: %s", name, end, last)
			}
		}
		for _, doc := range docs {
			if err := schema.ValidateOutput(st.schema, doc); err != nil {
				t.Errorf("fleet %s: output does not match the %s schema: %v\n%s", name, st.schema, err, doc)
			}
		}
	}
}
