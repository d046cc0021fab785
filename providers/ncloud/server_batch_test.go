package ncloud

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
)

func TestServerOwnerGroupTag(t *testing.T) {
	tests := map[string]struct {
		name, desc string
		wantUser   string
		wantAddr   string
	}{
		"raw member":               {"web-011", "front end fleet:shop server/web-[11-30]", "front end", "server/web-11"},
		"last raw member":          {"web-030", "fleet:shop server/web-[11-30]", "", "server/web-30"},
		"renamed member":           {"web-11", "fleet:shop server/web-[11-30]", "", "server/web-11"},
		"moved":                    {"api-1", "fleet:shop server/web-[11-30]", "", "server/api-1"},
		"below the range":          {"web-5", "fleet:shop server/web-[11-30]", "", "server/web-5"},
		"above the range, raw":     {"web-031", "fleet:shop server/web-[11-30]", "", "server/web-031"},
		"hyphenated group":         {"my-web-012", "fleet:shop server/my-web-[11-12]", "", "server/my-web-12"},
		"single tag":               {"web-3", "fleet:shop server/web-3", "", "server/web-3"},
		"single tag, renamed":      {"api-1", "fleet:shop server/web-3", "", "server/api-1"},
		"single tag like a member": {"web-003", "fleet:shop server/web-3", "", "server/web-003"},
		"broken range is an address": {
			"web-011", "fleet:shop server/web-[30-11]", "", "server/web-011",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			user, o, ok := serverOwner(serverInstance{ServerName: tc.name, ServerDescription: tc.desc})
			want := providers.Owner{Fleet: "shop", Address: tc.wantAddr}
			if !ok || user != tc.wantUser || o != want {
				t.Errorf("serverOwner(%q, %q) = %q, %+v, %v; want %q, %+v", tc.name, tc.desc, user, o, ok, tc.wantUser, want)
			}
		})
	}
}

// member is member k of count group group, built like fullServer but
// batchable (no fixed or public IP, batch_create on).
func member(group string, k int) *spec.Server {
	s := fullServer()
	s.Name, s.Group, s.Index = fmt.Sprintf("%s-%d", group, k), group, k
	s.Network.IP, s.PublicIP, s.BatchCreate = "", false, true
	return s
}

// plainMember is member k without batch_create.
func plainMember(group string, k int) *spec.Server {
	s := member(group, k)
	s.BatchCreate = false
	return s
}

func members(group string, first, n int) []*spec.Server {
	out := make([]*spec.Server, n)
	for i := range out {
		out[i] = member(group, first+i)
	}
	return out
}

func TestServerBatchSize(t *testing.T) {
	long := strings.Repeat("a", 26) // + "-NNN" is 30 characters
	tests := map[string]struct {
		server func() *spec.Server
		n      int
		want   int
	}{
		"count member":               {func() *spec.Server { return member("web", 1) }, 50, 20},
		"few waiting":                {func() *spec.Server { return member("web", 1) }, 3, 3},
		"one waiting":                {func() *spec.Server { return member("web", 1) }, 1, 1},
		"start plus count to 1000":   {func() *spec.Server { return member("web", 995) }, 20, 5},
		"index 999":                  {func() *spec.Server { return member("web", 999) }, 20, 1},
		"index past 999":             {func() *spec.Server { return member("web", 1200) }, 20, 1},
		"no count":                   {func() *spec.Server { s := member("web", 1); s.Group, s.Index = "", 0; return s }, 20, 1},
		"fixed IP":                   {func() *spec.Server { s := member("web", 1); s.Network.IP = "10.0.1.11"; return s }, 20, 1},
		"public IP":                  {func() *spec.Server { s := member("web", 1); s.PublicIP = true; return s }, 20, 1},
		"longest group name":         {func() *spec.Server { return member(long, 1) }, 20, 20},
		"group name too long":        {func() *spec.Server { return member(long+"b", 1) }, 20, 1},
		"group name breaks the rule": {func() *spec.Server { return member("Web", 1) }, 20, 1},
		// Without batch_create only members NCP names as declared batch.
		"plain member 1 (web-001)":  {func() *spec.Server { return plainMember("web", 1) }, 20, 1},
		"plain member 99 (web-099)": {func() *spec.Server { return plainMember("web", 99) }, 20, 1},
		"plain member 100":          {func() *spec.Server { return plainMember("web", 100) }, 50, 20},
	}
	p := &Provider{}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := p.ServerBatchSize(providers.NewServerSpec(tc.server()), tc.n); got != tc.want {
				t.Errorf("ServerBatchSize = %d, want %d", got, tc.want)
			}
		})
	}
}

// fullForm is the create form of a member built like fullServer, with the
// naming and tag parameters given.
func fullForm(naming map[string]string) map[string]string {
	f := map[string]string{
		"regionCode": "KR", "responseFormatType": "json",
		"serverImageProductCode": "SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050", "serverSpecCode": "s2-g2-s50",
		"vpcNo": "75", "subnetNo": "36", "loginKeyName": "prod-key", "initScriptNo": "63194", "placementGroupNo": "812",
		"isProtectServerTermination": "true", "feeSystemTypeCode": "FXSUM",
		"networkInterfaceList.1.networkInterfaceOrder":      "0",
		"networkInterfaceList.1.accessControlGroupNoList.1": "43", "networkInterfaceList.1.accessControlGroupNoList.2": "44",
		"isEncryptedBaseBlockStorageVolume": "true",
		"blockStorageMappingList.1.order":   "0", "blockStorageMappingList.1.blockStorageSize": "100", "blockStorageMappingList.1.blockStorageVolumeTypeCode": "SSD",
		"blockDevicePartitionList.1.mountPoint": "/", "blockDevicePartitionList.1.partitionSize": "50",
		"blockDevicePartitionList.2.mountPoint": "/data", "blockDevicePartitionList.2.partitionSize": "50",
	}
	maps.Copy(f, naming)
	return f
}

func TestCreateServersForm(t *testing.T) {
	tests := map[string]struct {
		servers   []*spec.Server
		imageID   string
		setup     func(f *fakeAPI)
		answer    []string // cloud names in the answer's order
		want      map[string]string
		wantNames []string
	}{
		"members 11-13, every batchable parameter": {
			servers: members("web", 11, 3),
			answer:  []string{"web-013", "web-011", "web-012"},
			want: fullForm(map[string]string{
				"serverName": "web", "serverCreateCount": "3", "serverCreateStartNo": "11",
				"serverDescription": "front end fleet:shop server/web-[11-13]",
			}),
			wantNames: []string{"web-011", "web-012", "web-013"},
		},
		"members 1-2, member image, default ACG": {
			servers: func() []*spec.Server {
				ms := members("api", 1, 2)
				for _, m := range ms {
					*m = spec.Server{Name: m.Name, Group: "api", Index: m.Index, Image: "image/golden", Type: "s2-g2-s50", BatchCreate: true,
						Network: spec.Network{VPC: "75", Subnet: "36"}}
				}
				return ms
			}(),
			imageID: "9001",
			setup: func(f *fakeAPI) {
				f.on("getAccessControlGroupList", ok("getAccessControlGroupList", `"accessControlGroupList": [{"accessControlGroupNo": "43", "isDefault": true, "vpcNo": "75"}]`))
			},
			answer: []string{"api-001", "api-002"},
			want: map[string]string{
				"regionCode": "KR", "responseFormatType": "json",
				"serverName": "api", "serverCreateCount": "2", "serverCreateStartNo": "1",
				"serverDescription":           "fleet:shop server/api-[1-2]",
				"memberServerImageInstanceNo": "9001", "serverSpecCode": "s2-g2-s50",
				"vpcNo": "75", "subnetNo": "36", "isProtectServerTermination": "false",
				"networkInterfaceList.1.networkInterfaceOrder": "0", "networkInterfaceList.1.accessControlGroupNoList.1": "43",
			},
			wantNames: []string{"api-001", "api-002"},
		},
		"one member is a plain create": {
			servers: members("web", 7, 1),
			answer:  []string{"web-7"},
			want: fullForm(map[string]string{
				"serverName": "web-7", "serverCreateCount": "1",
				"serverDescription": "front end fleet:shop server/web-7",
			}),
			wantNames: []string{"web-7"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFake(t)
			if tc.setup != nil {
				tc.setup(f)
			}
			// The answer lists the members out of order, numbered by name.
			var list []string
			for _, n := range tc.answer {
				list = append(list, serverJSON("id-"+n, n, "", "INIT", "NULL"))
			}
			f.on("createServerInstances", ok("createServerInstances", serverList(list...)))
			res, err := f.provider(nil).CreateServers(context.Background(), providers.CreateServersRequest{Fleet: "shop", Servers: specsOf(tc.servers), ImageID: tc.imageID})
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, flat(f.last("createServerInstances"))); d != "" {
				t.Errorf("form (-want +got):\n%s", d)
			}
			var want []providers.CreatedServer
			for _, n := range tc.wantNames {
				want = append(want, providers.CreatedServer{ID: "id-" + n, Name: n})
			}
			if d := cmp.Diff(want, res.Created); d != "" {
				t.Errorf("created, in request order (-want +got):\n%s", d)
			}
		})
	}
}

// TestCreateServersAmbiguous: a batch answered with a 5xx is not sent again
// before its members are looked up by their group tag.
func TestCreateServersAmbiguous(t *testing.T) {
	fail := answer(500, `{"responseError": {"returnCode": "1000", "returnMessage": "Please try your call again later."}}`)
	tag := "fleet:shop server/web-[1-3]"
	raw := func(k int) string {
		return serverJSON(fmt.Sprint(500+k), fmt.Sprintf("web-%03d", k), tag, "INIT", "NULL")
	}
	others := []string{
		serverJSON("601", "web-001", "fleet:other server/web-[1-3]", "RUN", "NULL"), // another fleet's batch
		serverJSON("602", "web-002", "fleet:shop server/web-[2-3]", "RUN", "NULL"),  // another batch of this group
		serverJSON("603", "web-3", "fleet:shop server/web-3", "RUN", "NULL"),        // a single create
	}
	adopted := []providers.CreatedServer{{ID: "501", Name: "web-001"}, {ID: "502", Name: "web-002"}, {ID: "503", Name: "web-003"}}
	tests := map[string]struct {
		create    []responder
		lookup    []responder
		want      []providers.CreatedServer
		wantErr   string
		wantCalls []string
	}{
		"created: adopted by tag, in request order": {
			[]responder{fail}, []responder{ok("getServerInstanceList", serverList(append(others, raw(3), raw(1), raw(2))...))},
			adopted, "", []string{"createServerInstances", "getServerInstanceList"},
		},
		"not created: sent again": {
			[]responder{fail, ok("createServerInstances", serverList(raw(1), raw(2), raw(3)))},
			[]responder{ok("getServerInstanceList", serverList(others...))},
			adopted, "", []string{"createServerInstances", "getServerInstanceList", "createServerInstances"},
		},
		"partly created: the missing are named": {
			[]responder{fail}, []responder{ok("getServerInstanceList", serverList(append(others, raw(1), raw(3))...))},
			nil, "2 of 3 members exist; missing server/web-2", []string{"createServerInstances", "getServerInstanceList"},
		},
		"answered without a member": {
			[]responder{ok("createServerInstances", serverList(raw(1), raw(3)))}, nil,
			nil, "createServerInstances answered without server/web-2", []string{"createServerInstances"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFake(t)
			f.on("createServerInstances", tc.create...)
			f.on("getServerInstanceList", tc.lookup...)
			res, err := f.provider(nil).CreateServers(context.Background(), providers.CreateServersRequest{Fleet: "shop", Servers: specsOf(members("web", 1, 3))})
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("CreateServers: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("CreateServers err = %v, want one saying %q", err, tc.wantErr)
			}
			if d := cmp.Diff(tc.want, res.Created); d != "" {
				t.Errorf("created (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.wantCalls, f.opNames()); d != "" {
				t.Errorf("calls (-want +got):\n%s", d)
			}
			if len(tc.lookup) > 0 && f.last("getServerInstanceList").Get("vpcNo") != "75" {
				t.Errorf("lookup not filtered by the VPC")
			}
		})
	}
}

// TestCreateServersRefused: a request that is not one batch makes no call.
func TestCreateServersRefused(t *testing.T) {
	tests := map[string]struct {
		servers func() []*spec.Server
		wantErr string
	}{
		"no servers":      {func() []*spec.Server { return nil }, "no servers"},
		"not consecutive": {func() []*spec.Server { return append(members("web", 1, 2), member("web", 4)) }, "server/web-4 is not member 3"},
		"another group":   {func() []*spec.Server { return append(members("web", 1, 2), member("api", 3)) }, "server/api-3 is not member 3"},
		"unlike members": {func() []*spec.Server {
			ms := members("web", 1, 3)
			ms[2].Type = "s4-g2-s50"
			return ms
		}, "server/web-3 differs from server/web-1"},
		"public IP": {func() []*spec.Server {
			ms := members("web", 1, 2)
			for _, m := range ms {
				m.PublicIP = true
			}
			return ms
		}, "2 members cannot be created in one call"},
		"more than 20": {func() []*spec.Server { return members("web", 1, 21) }, "21 members cannot be created in one call"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFake(t)
			_, err := f.provider(nil).CreateServers(context.Background(), providers.CreateServersRequest{Fleet: "shop", Servers: specsOf(tc.servers())})
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("err = %v, want one saying %q", err, tc.wantErr)
			}
			if calls := f.opNames(); len(calls) != 0 {
				t.Errorf("calls %v, want none", calls)
			}
		})
	}
}

// specsOf is what the planner sends for the fleet file's servers ss.
func specsOf(ss []*spec.Server) []*providers.ServerSpec {
	out := make([]*providers.ServerSpec, len(ss))
	for i, s := range ss {
		out[i] = providers.NewServerSpec(s)
	}
	return out
}
