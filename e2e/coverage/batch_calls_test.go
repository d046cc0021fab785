package coverage

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fleet-iac/fleet/providers/simcore"
)

// callsFleet declares NCP web and NHN db count groups, alike within each,
// with or without batch_create.
func callsFleet(c *cloud, web, db int, batch bool) string {
	f := c.sim.NHN.Fixtures()
	return fmt.Sprintf(`version: 1
name: cov
providers:
  ncp: { type: ncloud, region: KR, endpoint: %q }
  nhn: { type: nhncloud, region: KR1, endpoint: %q }
keypairs:
  cov-nhn: { provider: nhn, public_key_file: nhn.pub }
servers:
  web:
    count: %d
    provider: ncp
    image: SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050
    type: s2-g2-s50
    network: { vpc: "75", subnet: "36", security_groups: ["43"] }
    batch_create: %t
  db:
    count: %d
    provider: nhn
    image: %s
    type: m2.c4m8
    zone: kr-pub-a
    network: { subnet: %s }
    key: cov-nhn
    batch_create: %t
`, c.ncpEndpoint(), c.nhnEndpoint(), web, batch, db, f.Image, f.Subnet, batch)
}

// plannedCalls reads plan --json with args and lists the server creates
// and renames it announces: "create ADDRESS" per create action (a batch
// create's address is its group tag) and "rename NAME" per rename.
func plannedCalls(t *testing.T, c *cloud, fleet string, args ...string) []string {
	t.Helper()
	code, out, errs := c.run(fleet, append([]string{"plan", "--json"}, args...)...)
	if code != 0 && code != 2 {
		t.Fatalf("plan --json %v: exit %d\n%s", args, code, errs)
	}
	var doc struct {
		Actions []struct {
			Type, Kind, Address string
			Members             []string
			Changes             []struct {
				Path string
				To   any
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("plan --json: %v\n%s", err, out)
	}
	var calls []string
	for _, a := range doc.Actions {
		if a.Kind != "server" {
			continue
		}
		switch a.Type {
		case "create":
			calls = append(calls, "create "+a.Address)
		case "rename":
			for _, ch := range a.Changes {
				if ch.Path == "name" {
					calls = append(calls, fmt.Sprint("rename ", ch.To))
				}
			}
		}
	}
	sort.Strings(calls)
	return calls
}

// tagAddress is the address at the end of an NCP description ("fleet:cov
// server/web-[1-3]").
var tagAddress = regexp.MustCompile(`server/\S+$`)

// madeCalls lists the server creates and renames that reached either cloud
// from request from on (but those refused with a 429), in plannedCalls' form: a create by the address or
// group tag it carries, a rename by the name it gives.
func madeCalls(c *cloud, from int) []string {
	var calls []string
	for _, r := range c.requests()[from:] {
		if r.Status == http.StatusTooManyRequests {
			continue // refused unseen: the same call goes again
		}
		switch {
		case r.Form != nil && strings.HasSuffix(r.Path, "/createServerInstances"):
			calls = append(calls, "create "+tagAddress.FindString(r.Form.Get("serverDescription")))
		case r.Form != nil && strings.HasSuffix(r.Path, "/changeServerInstanceName"):
			calls = append(calls, "rename "+r.Form.Get("serverName"))
		case r.Form == nil && r.Method == "POST" && pathMatches(r.Path, "servers"):
			calls = append(calls, "create "+nhnServerOf(r.Body).Metadata["fleet-address"])
		case r.Form == nil && r.Method == "PUT" && pathMatches(r.Path, "servers/*"):
			calls = append(calls, "rename "+nhnServerOf(r.Body).Name)
		}
	}
	sort.Strings(calls)
	return calls
}

// TestApplyMakesThePlannedCalls: on both clouds, apply makes exactly the
// server creates and renames its plan lists (a batch create is one call,
// each rename one call) as a group grows by count, under --target, with
// --parallelism 1 against a rate-limited cloud, for members replaced, and
// without batch_create; and the cloud's names are the plan's, so that
// the next plan has nothing to do.
func TestApplyMakesThePlannedCalls(t *testing.T) {
	c := newCloud(t)
	c.writeFile("nhn.pub", nhnKey)
	fast := simcore.Behaviour{BuildTime: 50 * time.Millisecond}
	steps := []struct {
		name       string
		web, db    int
		batch      bool
		args       []string // plan's and apply's
		applyArgs  []string // apply's alone
		behaviour  simcore.Behaviour
		wantCreate int // create calls, batches as one
	}{
		{name: "first members, one at a time, rate limited", web: 3, db: 3, batch: true,
			applyArgs: []string{"--parallelism", "1"}, behaviour: simcore.Behaviour{BuildTime: 50 * time.Millisecond, RateLimit: 3}, wantCreate: 2},
		{name: "grown by count, targeted", web: 7, db: 12, batch: true,
			args: []string{"--target", "server/web-5", "--target", "server/web-6", "--target", "server/db-8", "--target", "server/db-9"}, behaviour: fast, wantCreate: 2},
		{name: "grown by count, the rest", web: 7, db: 12, batch: true,
			applyArgs: []string{"--parallelism", "1"}, behaviour: fast, wantCreate: 5},
		{name: "members replaced", web: 7, db: 12, batch: true,
			args: []string{"--replace", "server/web-2", "--replace", "server/web-3", "--replace", "server/db-2", "--replace", "server/db-3"}, behaviour: fast, wantCreate: 4},
		{name: "grown without batch_create", web: 9, db: 14, batch: false, behaviour: fast, wantCreate: 4},
	}
	for _, s := range steps {
		fleet := callsFleet(c, s.web, s.db, s.batch)
		c.sim.SetBehaviour(s.behaviour)
		want := plannedCalls(t, c, fleet, s.args...)
		if n := countPrefix(want, "create "); n != s.wantCreate {
			t.Errorf("%s: the plan lists %d server creates, want %d: %v", s.name, n, s.wantCreate, want)
		}
		t.Logf("%s: planned %v", s.name, want)
		from := len(c.requests())
		code, out, errs := c.run(fleet, append(append([]string{"apply", "--auto-approve"}, s.args...), s.applyArgs...)...)
		if code != 0 {
			t.Fatalf("%s: apply: exit %d\n%s\n%s", s.name, code, out, errs)
		}
		if s.behaviour.RateLimit > 0 && !slices.ContainsFunc(c.requests()[from:], func(r request) bool { return r.Status == http.StatusTooManyRequests }) {
			t.Errorf("%s: the cloud never answered 429: the rate limit tested nothing", s.name)
		}
		if d := cmp.Diff(want, madeCalls(c, from)); d != "" {
			t.Errorf("%s: apply's server creates and renames differ from its plan's (-planned +made):\n%s", s.name, d)
		}
		// A replaced member is replaced again when asked again.
		var again []string
		for i := 0; i < len(s.args); i++ {
			if s.args[i] == "--replace" {
				i++
				continue
			}
			again = append(again, s.args[i])
		}
		if code, out, _ := c.run(fleet, append([]string{"plan"}, again...)...); code != 0 || !strings.Contains(out, "No changes") {
			t.Errorf("%s: plan after the apply: exit %d\n%s", s.name, code, out)
		}
	}
}

// nhnServerOf is the server of an NHN request body.
func nhnServerOf(body []byte) (s struct {
	Name     string            `json:"name"`
	Metadata map[string]string `json:"metadata"`
}) {
	var b struct {
		Server *struct {
			Name     string            `json:"name"`
			Metadata map[string]string `json:"metadata"`
		} `json:"server"`
	}
	if json.Unmarshal(body, &b) == nil && b.Server != nil {
		s.Name, s.Metadata = b.Server.Name, b.Server.Metadata
	}
	return s
}

func countPrefix(xs []string, prefix string) int {
	n := 0
	for _, x := range xs {
		if strings.HasPrefix(x, prefix) {
			n++
		}
	}
	return n
}
