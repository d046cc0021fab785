package nhncloud

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
)

func TestUpdate(t *testing.T) {
	md := map[string]string{"fleet": "shop", "fleet-address": "server/web-1", "os_distro": "ubuntu", "role": "web", "old": "x"}
	active := `{"server": ` + serverJSON("s1", "web-1", "ACTIVE", "", flavorM2C4M8, md) + `}`
	shutoff := `{"server": ` + serverJSON("s1", "web-1", "SHUTOFF", "", flavorM2C4M8, md) + `}`
	shelved := `{"server": ` + serverJSON("s1", "web-1", "SHELVED_OFFLOADED", "", flavorM2C4M8, md) + `}`
	volume := func(status, server string, size int) string {
		att := "[]"
		if server != "" {
			att = `[{"server_id": "` + server + `", "device": "/dev/vdb", "id": "v1"}]`
		}
		return `{"volume": {"id": "v1", "status": "` + status + `", "size": ` + itoa(size) + `, "metadata": {}, "attachments": ` + att + `}}`
	}
	type call struct{ pattern, body string }
	tests := map[string]struct {
		req     providers.UpdateRequest
		get     string // GET /servers/s1 answer, or GET /volumes/v1 for volume kinds
		calls   []call // the mutating calls expected, in any order, each answered 2xx
		wantErr error
	}{
		"resize": {
			req: providers.UpdateRequest{Kind: addrs.KindServer, Change: providers.Resize{Type: "m2.c8m16"}}, get: active,
			calls: []call{{"POST " + computePath("/servers/s1/action"), `{"resize": {"flavorRef": "` + flavorM2C8M16 + `"}}`}},
		},
		"resize to the current flavor": {req: providers.UpdateRequest{Kind: addrs.KindServer, Change: providers.Resize{Type: "m2.c4m8"}}, get: active},
		"stop": {
			req: providers.UpdateRequest{Kind: addrs.KindServer, Change: providers.PowerChange{To: "stopped"}}, get: active,
			calls: []call{{"POST " + computePath("/servers/s1/action"), `{"os-stop": null}`}},
		},
		"start": {
			req: providers.UpdateRequest{Kind: addrs.KindServer, Change: providers.PowerChange{To: "running"}}, get: shutoff,
			calls: []call{{"POST " + computePath("/servers/s1/action"), `{"os-start": null}`}},
		},
		"start a shelved server unshelves": {
			req: providers.UpdateRequest{Kind: addrs.KindServer, Change: providers.PowerChange{To: "running"}}, get: shelved,
			calls: []call{{"POST " + computePath("/servers/s1/action"), `{"unshelve": null}`}},
		},
		"shelve": {
			req: providers.UpdateRequest{Kind: addrs.KindServer, Change: providers.PowerChange{To: "shelved"}}, get: active,
			calls: []call{{"POST " + computePath("/servers/s1/action"), `{"shelve": null}`}},
		},
		"stop a stopped server": {req: providers.UpdateRequest{Kind: addrs.KindServer, Change: providers.PowerChange{To: "stopped"}}, get: shutoff},
		"stop a server powering off": {
			req: providers.UpdateRequest{Kind: addrs.KindServer, Change: providers.PowerChange{To: "stopped"}},
			get: `{"server": ` + serverJSON("s1", "web-1", "ACTIVE", "powering-off", flavorM2C4M8, md) + `}`,
		},
		"start a server powering off": {
			req:   providers.UpdateRequest{Kind: addrs.KindServer, Change: providers.PowerChange{To: "running"}},
			get:   `{"server": ` + serverJSON("s1", "web-1", "ACTIVE", "powering-off", flavorM2C4M8, md) + `}`,
			calls: []call{{"POST " + computePath("/servers/s1/action"), `{"os-start": null}`}},
		},
		"rename moves the owner address": {
			req: providers.UpdateRequest{Kind: addrs.KindServer, Change: providers.Rename{Name: "api-1", Owner: providers.Owner{Fleet: "shop", Address: "server/api-1"}}},
			calls: []call{
				{"PUT " + computePath("/servers/s1"), `{"server": {"name": "api-1"}}`},
				{"PUT " + computePath("/servers/s1/metadata/fleet-address"), `{"meta": {"fleet-address": "server/api-1"}}`},
			},
		},
		"rename a batch member keeps its group tag": {
			req: providers.UpdateRequest{Kind: addrs.KindServer, Change: providers.Rename{
				Name: "web-13", Owner: providers.Owner{Fleet: "shop", Address: "server/web-13"}, NameOnly: true}},
			calls: []call{{"PUT " + computePath("/servers/s1"), `{"server": {"name": "web-13"}}`}},
		},
		"security groups are diffed": {
			req: providers.UpdateRequest{Kind: addrs.KindServer, Change: providers.SecurityGroups{Names: []string{"default", "db"}}}, get: active,
			calls: []call{
				{"POST " + computePath("/servers/s1/action"), `{"addSecurityGroup": {"name": "db"}}`},
				{"POST " + computePath("/servers/s1/action"), `{"removeSecurityGroup": {"name": "web"}}`},
			},
		},
		"metadata keeps tags and NHN keys": {
			req: providers.UpdateRequest{Kind: addrs.KindServer, Change: providers.Metadata{Values: map[string]string{"role": "api"}}}, get: active,
			calls: []call{{"PUT " + computePath("/servers/s1/metadata"),
				`{"metadata": {"fleet": "shop", "fleet-address": "server/web-1", "os_distro": "ubuntu", "role": "api"}}`}},
		},
		"metadata may not set fleet's keys": {
			req: providers.UpdateRequest{Kind: addrs.KindServer, Change: providers.Metadata{Values: map[string]string{"fleet": "x"}}}, get: active,
			wantErr: errAny,
		},
		"protect": {
			req:   providers.UpdateRequest{Kind: addrs.KindServer, Change: providers.Protect{On: true}},
			calls: []call{{"PUT " + computePath("/servers/s1/metadata/fleet-protect"), `{"meta": {"fleet-protect": "true"}}`}},
		},
		"unprotect": {
			req:   providers.UpdateRequest{Kind: addrs.KindServer, Change: providers.Protect{On: false}},
			calls: []call{{"DELETE " + computePath("/servers/s1/metadata/fleet-protect"), ""}},
		},
		"attach": {
			req: providers.UpdateRequest{Kind: addrs.KindVolume, Change: providers.Attach{VolumeID: "v1", ServerID: "s1"}}, get: volume("available", "", 20),
			calls: []call{{"POST " + computePath("/servers/s1/os-volume_attachments"), `{"volumeAttachment": {"volumeId": "v1"}}`}},
		},
		"attach when attached": {
			req: providers.UpdateRequest{Kind: addrs.KindVolume, Change: providers.Attach{VolumeID: "v1", ServerID: "s1"}}, get: volume("in-use", "s1", 20),
		},
		"attach when attached elsewhere": {
			req: providers.UpdateRequest{Kind: addrs.KindVolume, Change: providers.Attach{VolumeID: "v1", ServerID: "s1"}}, get: volume("in-use", "s9", 20),
			wantErr: providers.ErrConflict,
		},
		"detach": {
			req: providers.UpdateRequest{Kind: addrs.KindVolume, Change: providers.Detach{VolumeID: "v1", ServerID: "s1"}}, get: volume("in-use", "s1", 20),
			calls: []call{{"DELETE " + computePath("/servers/s1/os-volume_attachments/v1"), ""}},
		},
		"detach while detaching sends nothing": {
			req: providers.UpdateRequest{Kind: addrs.KindVolume, Change: providers.Detach{VolumeID: "v1", ServerID: "s1"}}, get: volume("detaching", "s1", 20),
		},
		"detach when detached": {
			req: providers.UpdateRequest{Kind: addrs.KindVolume, Change: providers.Detach{VolumeID: "v1", ServerID: "s1"}}, get: volume("available", "", 20),
		},
		"extend": {
			req: providers.UpdateRequest{Kind: addrs.KindVolume, Change: providers.ExtendVolume{Size: 30}}, get: volume("available", "", 20),
			calls: []call{{"POST " + volumePath("/volumes/v1/action"), `{"os-extend": {"new_size": 30}}`}},
		},
		"extend to the current size": {req: providers.UpdateRequest{Kind: addrs.KindVolume, Change: providers.ExtendVolume{Size: 20}}, get: volume("available", "", 20)},
		"shrink":                     {req: providers.UpdateRequest{Kind: addrs.KindVolume, Change: providers.ExtendVolume{Size: 10}}, get: volume("available", "", 20), wantErr: providers.ErrConflict},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFake(t)
			tc.req.Address = "server/web-1"
			if tc.req.Kind == addrs.KindVolume {
				tc.req.ID, tc.req.Address = "v1", "volume/web-1/data"
				f.handle("GET "+volumePath("/volumes/v1"), "", http.StatusOK, tc.get)
			} else {
				tc.req.ID = "s1"
				if tc.get != "" {
					f.handle("GET "+computePath("/servers/s1"), "", http.StatusOK, tc.get)
				}
			}
			byPattern := map[string][]string{}
			for _, c := range tc.calls {
				byPattern[c.pattern] = append(byPattern[c.pattern], c.body)
			}
			for pattern, bodies := range byPattern {
				f.mux.HandleFunc(pattern, f.check("", func(w http.ResponseWriter, r *http.Request) {
					if len(bodies) == 1 && bodies[0] != "" {
						checkJSON(t, r, bodies[0])
					} else if len(bodies) > 1 {
						checkJSONOneOf(t, r, bodies)
					}
					switch {
					case r.Method == http.MethodPut && pattern == "PUT "+computePath("/servers/s1"):
						reply(w, http.StatusOK, `{"server": `+serverJSON("s1", "api-1", "ACTIVE", "", flavorM2C4M8, nil)+`}`)
					case r.Method == http.MethodPut:
						reply(w, http.StatusOK, `{"meta": {}, "metadata": {}}`)
					case r.Method == http.MethodDelete && pattern == "DELETE "+computePath("/servers/s1/metadata/fleet-protect"):
						reply(w, http.StatusNoContent, "")
					case r.URL.Path == computePath("/servers/s1/os-volume_attachments"):
						reply(w, http.StatusOK, `{"volumeAttachment": {"id": "v1", "volumeId": "v1", "serverId": "s1", "device": "/dev/vdb"}}`)
					default:
						reply(w, http.StatusAccepted, "")
					}
				}))
			}
			p := f.provider(t)
			_, err := p.Update(context.Background(), tc.req)
			switch {
			case tc.wantErr == nil && err != nil:
				t.Fatalf("update: %v", err)
			case tc.wantErr == errAny && err == nil:
				t.Fatalf("update succeeded, want an error")
			case tc.wantErr != nil && tc.wantErr != errAny && !errors.Is(err, tc.wantErr):
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			for pattern, bodies := range byPattern {
				method, path, _ := cut(pattern)
				if got := f.count(method + " " + path); got != len(bodies) {
					t.Errorf("%d calls of %s, want %d", got, pattern, len(bodies))
				}
			}
			total := 0
			for k, n := range f.calls {
				if k[:3] != "GET" && k != "POST /identity/v2.0/tokens" {
					total += n
				}
			}
			if total != len(tc.calls) {
				t.Errorf("%d mutating calls, want %d: %v", total, len(tc.calls), f.calls)
			}
		})
	}
}

// A detach of a volume still being attached (a run that died right after
// the attach call) waits for the attach to end, then detaches only what
// the attach left attached.
func TestDetachWaitsOutAttaching(t *testing.T) {
	volume := func(status, server string) func(http.ResponseWriter, *http.Request) {
		att := "[]"
		if server != "" {
			att = `[{"server_id": "` + server + `", "device": "/dev/vdb", "id": "v1"}]`
		}
		return answer(http.StatusOK, `{"volume": {"id": "v1", "status": "`+status+`", "size": 20, "metadata": {}, "attachments": `+att+`}}`)
	}
	tests := map[string]struct {
		gets    []func(http.ResponseWriter, *http.Request)
		deletes int
	}{
		"attach ends attached":  {gets: []func(http.ResponseWriter, *http.Request){volume("reserved", ""), volume("attaching", ""), volume("in-use", "s1")}, deletes: 1},
		"attach fails":          {gets: []func(http.ResponseWriter, *http.Request){volume("attaching", ""), volume("available", "")}},
		"attach ends elsewhere": {gets: []func(http.ResponseWriter, *http.Request){volume("attaching", ""), volume("in-use", "s9")}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFake(t)
			f.mux.HandleFunc("GET "+volumePath("/volumes/v1"), f.check("", sequence(tc.gets...)))
			f.handle("DELETE "+computePath("/servers/s1/os-volume_attachments/v1"), "", http.StatusAccepted, "")
			p := f.provider(t)
			req := providers.UpdateRequest{Kind: addrs.KindVolume, ID: "v1", Address: "volume/web-1/data",
				Change: providers.Detach{VolumeID: "v1", ServerID: "s1"}}
			if _, err := p.Update(context.Background(), req); err != nil {
				t.Fatalf("update: %v", err)
			}
			if got := f.count("GET " + volumePath("/volumes/v1")); got != len(tc.gets) {
				t.Errorf("%d volume reads, want %d", got, len(tc.gets))
			}
			if got := f.count("DELETE " + computePath("/servers/s1/os-volume_attachments/v1")); got != tc.deletes {
				t.Errorf("%d detach calls, want %d", got, tc.deletes)
			}
		})
	}
}
