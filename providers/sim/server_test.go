package sim

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/providers/simcore"
)

func startTest(t *testing.T, dir string) *Server {
	t.Helper()
	s, err := Start(Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func getJSON(t *testing.T, method, url string, body string, v any) int {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if v != nil {
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			t.Fatalf("%s %s: decode: %v", method, url, err)
		}
	}
	return resp.StatusCode
}

func TestEnvNamesEveryVariableOfTheDesign(t *testing.T) {
	s := startTest(t, "")
	env := map[string]string{}
	for _, v := range s.Env() {
		env[v.Name] = v.Value
	}
	for _, name := range []string{"NCLOUD_API_GW", "NCLOUD_ACCESS_KEY", "NCLOUD_SECRET_KEY", "OS_AUTH_URL", "OS_TENANT_ID",
		"OS_USERNAME", "OS_PASSWORD", "OS_REGION_NAME", "FLEET_SIM_NCP_VPC", "FLEET_SIM_NCP_SUBNET", "FLEET_SIM_NCP_ACG",
		"FLEET_SIM_NCP_IMAGE", "FLEET_SIM_NCP_SPEC", "FLEET_SIM_NHN_IMAGE", "FLEET_SIM_NHN_NETWORK", "FLEET_SIM_NHN_SUBNET",
		"FLEET_SIM_NHN_FLAVOR", "FLEET_SIM_ADMIN"} {
		if env[name] == "" {
			t.Errorf("%s is missing or empty", name)
		}
	}
	if env["NCLOUD_API_GW"] != s.URL || !strings.HasSuffix(env["OS_AUTH_URL"], "/v2.0") {
		t.Errorf("endpoints: gateway %q, auth %q", env["NCLOUD_API_GW"], env["OS_AUTH_URL"])
	}
	if env["FLEET_SIM_NCP_IMAGE"] != "SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050" || env["FLEET_SIM_NHN_FLAVOR"] != "m2.c4m8" {
		t.Errorf("fixtures differ from design.md: %v %v", env["FLEET_SIM_NCP_IMAGE"], env["FLEET_SIM_NHN_FLAVOR"])
	}
	path := filepath.Join(t.TempDir(), "sim.env")
	if err := s.WriteEnvFile(path); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(path)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("env file mode %v, want 0600: it holds credentials", fi.Mode().Perm())
	}
	data, _ := os.ReadFile(path)
	if !strings.Contains(string(data), "NCLOUD_API_GW="+s.URL+"\n") {
		t.Errorf("env file lacks the gateway line:\n%s", data)
	}
}

func TestAdminStatsCountBothCloudsAndReset(t *testing.T) {
	s := startTest(t, "")
	// An unsigned NCP call and an unauthenticated NHN call are still counted.
	http.Get(s.URL + "/vserver/v2/getRegionList?responseFormatType=json")
	http.Get(s.URL + NHNPrefix + "/compute/v2/x/servers/detail")
	var st Stats
	if code := getJSON(t, "GET", s.URL+AdminPrefix+"/stats", "", &st); code != 200 {
		t.Fatalf("stats: HTTP %d", code)
	}
	if st.NCloud.Total != 1 || st.NHNCloud.Total != 1 {
		t.Errorf("totals ncloud=%d nhncloud=%d, want 1 and 1: %+v", st.NCloud.Total, st.NHNCloud.Total, st)
	}
	getJSON(t, "POST", s.URL+AdminPrefix+"/stats/reset", "", &st)
	if st.NCloud.Total != 0 || st.NHNCloud.Total != 0 {
		t.Errorf("after reset: %+v", st)
	}
}

func TestAdminBehaviourSetsBothClouds(t *testing.T) {
	s := startTest(t, "")
	var b simcore.Behaviour
	if code := getJSON(t, "POST", s.URL+AdminPrefix+"/behaviour", `{"build_time": 5000000000, "throttle_rate": 1}`, &b); code != 200 {
		t.Fatalf("behaviour: HTTP %d", code)
	}
	if s.NCP.Injector().Behaviour().BuildTime != 5*time.Second || s.NHN.Injector().Behaviour().ThrottleRate != 1 {
		t.Errorf("behaviour not applied to both: ncp %+v nhn %+v", s.NCP.Injector().Behaviour(), s.NHN.Injector().Behaviour())
	}
	resp, err := http.Post(s.URL+NHNPrefix+"/identity/v2.0/tokens", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("with throttle_rate 1 identity answered %d, want 429", resp.StatusCode)
	}
	if code := getJSON(t, "POST", s.URL+AdminPrefix+"/behaviour", `{"bogus": 1}`, nil); code != 400 {
		t.Errorf("unknown behaviour field: HTTP %d, want 400", code)
	}
}

// A partial body merges into the current behaviour: fields it does not
// name keep their values (issue 20: a latency change reset build_time).
func TestAdminBehaviourMergesAPartialBody(t *testing.T) {
	s := startTest(t, "")
	steps := []struct {
		name, body string
		want       simcore.Behaviour
	}{
		{"set two fields", `{"build_time": 5000000000, "fail_build": ["web-*"]}`,
			simcore.Behaviour{BuildTime: 5 * time.Second, FailBuild: []string{"web-*"}}},
		{"latency only keeps the rest", `{"latency": 1000}`,
			simcore.Behaviour{Latency: time.Microsecond, BuildTime: 5 * time.Second, FailBuild: []string{"web-*"}}},
		{"a list is replaced whole", `{"fail_build": ["db-*"], "latency": 0}`,
			simcore.Behaviour{BuildTime: 5 * time.Second, FailBuild: []string{"db-*"}}},
		{"empty body object changes nothing", `{}`,
			simcore.Behaviour{BuildTime: 5 * time.Second, FailBuild: []string{"db-*"}}},
	}
	for _, st := range steps {
		var got simcore.Behaviour
		if code := getJSON(t, "POST", s.URL+AdminPrefix+"/behaviour", st.body, &got); code != 200 {
			t.Fatalf("%s: HTTP %d", st.name, code)
		}
		for _, b := range []simcore.Behaviour{got, s.NCP.Injector().Behaviour(), s.NHN.Injector().Behaviour()} {
			if !reflect.DeepEqual(b, st.want) {
				t.Errorf("%s: behaviour %+v, want %+v", st.name, b, st.want)
			}
		}
	}
	// A refused body changes nothing.
	if code := getJSON(t, "POST", s.URL+AdminPrefix+"/behaviour", `{"latency": 5, "bogus": 1}`, nil); code != 400 {
		t.Errorf("unknown field: HTTP %d, want 400", code)
	}
	if b := s.NCP.Injector().Behaviour(); b.Latency != 0 || b.BuildTime != 5*time.Second {
		t.Errorf("a refused body changed the behaviour: %+v", b)
	}
	// Not even a list it names before the field that makes it refused: the
	// body is decoded over a copy, never over the lists the clouds match on.
	if code := getJSON(t, "POST", s.URL+AdminPrefix+"/behaviour", `{"fail_build": ["api-*"], "bogus": 1}`, nil); code != 400 {
		t.Errorf("unknown field after a list: HTTP %d, want 400", code)
	}
	for _, b := range []simcore.Behaviour{s.NCP.Injector().Behaviour(), s.NHN.Injector().Behaviour()} {
		if !reflect.DeepEqual(b.FailBuild, []string{"db-*"}) {
			t.Errorf("a refused body changed fail_build: %v", b.FailBuild)
		}
	}
}

func TestDataSurvivesARestart(t *testing.T) {
	dir := t.TempDir()
	s := startTest(t, dir)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, sub := range []string{"ncloud"} {
		if _, err := os.Stat(filepath.Join(dir, sub)); err != nil {
			t.Errorf("no %s data after close: %v", sub, err)
		}
	}
	s2 := startTest(t, dir)
	if s2.URL == "" {
		t.Fatal("restart failed")
	}
}

// TestDataDirIsLocked: a second simulator over the same data would keep its
// own copy and overwrite the first one's file, so it is refused, naming the
// holder, until the first closes.
func TestDataDirIsLocked(t *testing.T) {
	dir := t.TempDir()
	first, err := New(Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	_, err = New(Config{Dir: dir})
	if err == nil {
		t.Fatal("a second simulator opened data in use")
	}
	if want := "in use by process " + strconv.Itoa(os.Getpid()); !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	second, err := New(Config{Dir: dir})
	if err != nil {
		t.Fatalf("after the first closed: %v", err)
	}
	if err := second.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestDataLockWaitsUpToLockTimeout: like the state lock, a held data lock
// is waited for up to LockTimeout (fleet's --lock-timeout), then refused.
func TestDataLockWaitsUpToLockTimeout(t *testing.T) {
	tests := map[string]struct {
		timeout, holdFor time.Duration
		wantErr          bool
	}{
		"released within the timeout": {timeout: 5 * time.Second, holdFor: 300 * time.Millisecond},
		"held past the timeout":       {timeout: 300 * time.Millisecond, holdFor: 2 * time.Second, wantErr: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			first, err := New(Config{Dir: dir})
			if err != nil {
				t.Fatal(err)
			}
			release := time.AfterFunc(tc.holdFor, func() { first.Close() })
			defer func() {
				if release.Stop() {
					first.Close()
				}
			}()
			start := time.Now()
			second, err := New(Config{Dir: dir, LockTimeout: tc.timeout})
			took := time.Since(start)
			if tc.wantErr {
				if err == nil || !strings.Contains(err.Error(), "in use by process") {
					t.Fatalf("New = %v, want the lock refused naming its holder", err)
				}
				if took < tc.timeout || took > tc.timeout+time.Second {
					t.Errorf("refused after %v, want about the %v timeout", took, tc.timeout)
				}
				return
			}
			if err != nil {
				t.Fatalf("New after the holder closed within the timeout: %v", err)
			}
			second.Close()
			if took < tc.holdFor {
				t.Errorf("opened after %v, before the holder closed at %v", took, tc.holdFor)
			}
		})
	}
}
