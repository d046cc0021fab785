package nhncloud

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fleet-iac/fleet/providers"
)

func TestConfigFromEnv(t *testing.T) {
	env := map[string]string{
		"OS_AUTH_URL": "http://127.0.0.1:9/identity/v2.0", "OS_USERNAME": "u@example.com", "OS_PASSWORD": "pw",
		"OS_TENANT_ID": "t1", "OS_REGION_NAME": "KR2",
	}
	got := ConfigFromEnv(func(k string) string { return env[k] })
	want := Config{AuthURL: "http://127.0.0.1:9/identity/v2.0", Username: "u@example.com", Password: "pw", TenantID: "t1", Region: "KR2"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("config (-want +got):\n%s", diff)
	}
	if d := (Config{}).withDefaults(); d.AuthURL != DefaultAuthURL || d.Region != "KR1" || d.MaxRetries != DefaultMaxRetries {
		t.Errorf("defaults = %+v", d)
	}
	if d := (Config{MaxRetries: -1}).withDefaults(); d.MaxRetries != 0 {
		t.Errorf("MaxRetries -1 gave %d retries, want 0", d.MaxRetries)
	}
}

func TestNewRefusesBadConfig(t *testing.T) {
	tests := map[string]struct {
		cfg  Config
		want string
	}{
		"nothing set":     {cfg: Config{}, want: "OS_USERNAME is not set"}, // the first missing, every time
		"no password":     {cfg: Config{Username: "u", TenantID: "t"}, want: "OS_PASSWORD is not set"},
		"no tenant":       {cfg: Config{Username: "u", Password: "s3cret-pw"}, want: "OS_TENANT_ID is not set"},
		"versionless url": {cfg: Config{AuthURL: "http://127.0.0.1:9/identity", Username: "u", Password: "s3cret-pw", TenantID: "t"}, want: "must end in /v2.0"},
		"keystone v3 url": {cfg: Config{AuthURL: "http://127.0.0.1:9/identity/v3", Username: "u", Password: "s3cret-pw", TenantID: "t"}, want: "must end in /v2.0"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := New(context.Background(), tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if strings.Contains(err.Error(), tc.cfg.Password) && tc.cfg.Password != "" {
				t.Errorf("error shows the password: %v", err)
			}
		})
	}
}

// The catalog lists KR2 first, as NHN's does: the region must decide.
func TestNewPicksTheConfiguredRegion(t *testing.T) {
	f := newFake(t)
	p := f.provider(t)
	for name, got := range map[string]string{"compute": p.compute.Endpoint, "volume": p.volume.Endpoint, "image": p.image.Endpoint} {
		if strings.Contains(got, "kr2") {
			t.Errorf("%s endpoint %s is KR2's, want KR1's", name, got)
		}
	}
	if n := p.Calls(); n != 2 {
		t.Errorf("New made %d calls, want 2 (token, image version discovery)", n)
	}
}

// A volume create answered 503 is adopted when the tagged volume exists.
func TestCreateVolumeAdoptsAfterAmbiguousFailure(t *testing.T) {
	f := newFake(t)
	f.mux.HandleFunc("POST "+volumePath("/volumes"), f.check("", sequence(answer(http.StatusBadGateway, ""))))
	f.handle("GET "+volumePath("/volumes/detail"), "", http.StatusOK, `{"volumes": [
	  {"id": "v-other", "name": "web-1-data", "status": "creating", "size": 10, "metadata": {"fleet": "other", "fleet-address": "volume/web-1/data"}, "attachments": []},
	  {"id": "v-ours", "name": "web-1-data", "status": "creating", "size": 10, "metadata": {"fleet": "shop", "fleet-address": "volume/web-1/data"}, "attachments": []}]}`)
	p := f.provider(t)
	res, err := p.Create(context.Background(), providers.CreateRequest{
		Owner: providers.Owner{Fleet: "shop", Address: "volume/web-1/data"}, Volume: &providers.VolumeCreate{Name: "web-1-data", Size: 10, Zone: "kr-pub-a"},
	})
	if err != nil || res.ID != "v-ours" {
		t.Fatalf("create = %+v, %v; want v-ours adopted", res, err)
	}
	if n := f.count("POST " + volumePath("/volumes")); n != 1 {
		t.Errorf("%d POST /volumes, want 1", n)
	}
}
