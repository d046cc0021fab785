package ncloud

import (
	"context"
	"errors"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
)

func fullServer() *spec.Server {
	return &spec.Server{
		Name: "web-1", Image: "SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050", Type: "s2-g2-s50",
		Network:    spec.Network{VPC: "75", Subnet: "36", SecurityGroups: []string{"43", "44"}, IP: "10.0.1.11"},
		Key:        "prod-key",
		Protect:    true,
		RootVolume: &spec.RootVolume{Size: 100, Type: "SSD", Encrypted: true},
		PublicIP:   true, InitScript: "63194", PlacementGroup: "812", Billing: "monthly",
		Description: "front end",
		Partitions:  []spec.Partition{{MountPoint: "/", Size: 50}, {MountPoint: "/data", Size: 50}},
	}
}

// flat turns a form into a map for comparison.
func flat(v url.Values) map[string]string {
	m := map[string]string{}
	for k := range v {
		m[k] = v.Get(k)
	}
	return m
}

func TestCreateServerForm(t *testing.T) {
	o := providers.Owner{Fleet: "shop", Address: "server/web-1"}
	created := ok("createServerInstances", serverList(serverJSON("26695183", "web-1", "front end fleet:shop server/web-1", "INIT", "NULL")))
	tests := map[string]struct {
		server  func() *spec.Server
		imageID string
		want    map[string]string
	}{
		"every seed parameter": {fullServer, "", map[string]string{
			"regionCode": "KR", "responseFormatType": "json",
			"serverName": "web-1", "serverDescription": "front end fleet:shop server/web-1", "serverCreateCount": "1",
			"serverImageProductCode": "SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050", "serverSpecCode": "s2-g2-s50",
			"vpcNo": "75", "subnetNo": "36", "loginKeyName": "prod-key", "initScriptNo": "63194", "placementGroupNo": "812",
			"isProtectServerTermination": "true", "feeSystemTypeCode": "FXSUM", "associateWithPublicIp": "true",
			"networkInterfaceList.1.networkInterfaceOrder": "0", "networkInterfaceList.1.ip": "10.0.1.11",
			"networkInterfaceList.1.accessControlGroupNoList.1": "43", "networkInterfaceList.1.accessControlGroupNoList.2": "44",
			"isEncryptedBaseBlockStorageVolume": "true",
			"blockStorageMappingList.1.order":   "0", "blockStorageMappingList.1.blockStorageSize": "100", "blockStorageMappingList.1.blockStorageVolumeTypeCode": "SSD",
			"blockDevicePartitionList.1.mountPoint": "/", "blockDevicePartitionList.1.partitionSize": "50",
			"blockDevicePartitionList.2.mountPoint": "/data", "blockDevicePartitionList.2.partitionSize": "50",
		}},
		"image number and product code": {func() *spec.Server {
			return &spec.Server{Name: "web-1", Image: "25495367", Type: "SVR.VSVR.HICPU.C002.M004.G003", Network: spec.Network{VPC: "75", Subnet: "36", SecurityGroups: []string{"43"}}}
		}, "", map[string]string{
			"regionCode": "KR", "responseFormatType": "json",
			"serverName": "web-1", "serverDescription": "fleet:shop server/web-1", "serverCreateCount": "1",
			"serverImageNo": "25495367", "serverProductCode": "SVR.VSVR.HICPU.C002.M004.G003",
			"vpcNo": "75", "subnetNo": "36", "isProtectServerTermination": "false",
			"networkInterfaceList.1.networkInterfaceOrder": "0", "networkInterfaceList.1.accessControlGroupNoList.1": "43",
		}},
		"existing interfaces keep their ACGs: no default ACG lookup": {func() *spec.Server {
			return &spec.Server{Name: "web-1", Image: "25495367", Type: "s2-g3", Network: spec.Network{VPC: "75", Subnet: "36", Interfaces: []string{"930", "931"}}}
		}, "", map[string]string{
			"regionCode": "KR", "responseFormatType": "json",
			"serverName": "web-1", "serverDescription": "fleet:shop server/web-1", "serverCreateCount": "1",
			"serverImageNo": "25495367", "serverSpecCode": "s2-g3",
			"vpcNo": "75", "subnetNo": "36", "isProtectServerTermination": "false",
			"networkInterfaceList.1.networkInterfaceOrder": "0", "networkInterfaceList.1.networkInterfaceNo": "930",
			"networkInterfaceList.2.networkInterfaceOrder": "1", "networkInterfaceList.2.networkInterfaceNo": "931",
		}},
		"member image, hourly": {func() *spec.Server {
			return &spec.Server{Name: "web-1", Image: "image/golden", Type: "s2-g2-s50", Billing: "hourly", Network: spec.Network{VPC: "75", Subnet: "36", SecurityGroups: []string{"43"}}}
		}, "9001", map[string]string{
			"regionCode": "KR", "responseFormatType": "json",
			"serverName": "web-1", "serverDescription": "fleet:shop server/web-1", "serverCreateCount": "1",
			"memberServerImageInstanceNo": "9001", "serverSpecCode": "s2-g2-s50", "feeSystemTypeCode": "MTRAT",
			"vpcNo": "75", "subnetNo": "36", "isProtectServerTermination": "false",
			"networkInterfaceList.1.networkInterfaceOrder": "0", "networkInterfaceList.1.accessControlGroupNoList.1": "43",
		}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFake(t)
			f.on("createServerInstances", created)
			p := f.provider(nil)
			res, err := p.Create(context.Background(), providers.CreateRequest{Owner: o, Server: &providers.ServerCreate{Spec: providers.NewServerSpec(tc.server()), ImageID: tc.imageID}})
			if err != nil || res.ID != "26695183" {
				t.Fatalf("Create = %+v, %v", res, err)
			}
			if d := cmp.Diff(tc.want, flat(f.last("createServerInstances"))); d != "" {
				t.Errorf("form (-want +got):\n%s", d)
			}
		})
	}
}

func TestCreateServerDefaultACG(t *testing.T) {
	f := newFake(t)
	f.on("getAccessControlGroupList", ok("getAccessControlGroupList", `"accessControlGroupList": [{"accessControlGroupNo": "42", "isDefault": false, "vpcNo": "75"}, {"accessControlGroupNo": "43", "isDefault": true, "vpcNo": "75"}]`))
	f.on("createServerInstances", ok("createServerInstances", serverList(serverJSON("7", "web-1", "", "INIT", "NULL"))))
	s := fullServer()
	s.Network.SecurityGroups = nil
	if _, err := f.provider(nil).Create(context.Background(), providers.CreateRequest{Owner: providers.Owner{Fleet: "shop", Address: "server/web-1"}, Server: &providers.ServerCreate{Spec: providers.NewServerSpec(s)}}); err != nil {
		t.Fatal(err)
	}
	if got := f.last("createServerInstances").Get("networkInterfaceList.1.accessControlGroupNoList.1"); got != "43" {
		t.Errorf("NIC 0 ACG = %q, want the VPC default 43", got)
	}
}

// TestCreateServerAmbiguous: a create that fails with a 5xx is not sent
// again before the server is looked up by its owner tag.
func TestCreateServerAmbiguous(t *testing.T) {
	o := providers.Owner{Fleet: "shop", Address: "server/web-1"}
	fail := answer(500, `{"responseError": {"returnCode": "1000", "returnMessage": "Please try your call again later."}}`)
	mine := serverJSON("555", "web-1", "fleet:shop server/web-1", "INIT", "NULL")
	others := serverJSON("556", "web-1", "fleet:other server/web-1", "RUN", "NULL")
	tests := map[string]struct {
		create    []responder
		lookup    []responder
		wantID    string
		wantCalls []string
	}{
		"created: adopted": {
			[]responder{fail}, []responder{ok("getServerInstanceList", serverList(others, mine))},
			"555", []string{"createServerInstances", "getServerInstanceList"},
		},
		"not created: sent again": {
			[]responder{fail, ok("createServerInstances", serverList(serverJSON("600", "web-1", "fleet:shop server/web-1", "INIT", "NULL")))},
			[]responder{ok("getServerInstanceList", serverList(others))},
			"600", []string{"createServerInstances", "getServerInstanceList", "createServerInstances"},
		},
		"throttled: sent again without a lookup": {
			[]responder{answer(429, `{"error":{"errorCode":"410","message":"Throttle Limited"}}`), ok("createServerInstances", serverList(serverJSON("601", "web-1", "", "INIT", "NULL")))},
			nil, "601", []string{"createServerInstances", "createServerInstances"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFake(t)
			f.on("createServerInstances", tc.create...)
			f.on("getServerInstanceList", tc.lookup...)
			res, err := f.provider(nil).Create(context.Background(), providers.CreateRequest{Owner: o, Server: &providers.ServerCreate{Spec: providers.NewServerSpec(fullServer())}})
			if err != nil || res.ID != tc.wantID {
				t.Fatalf("Create = %+v, %v; want id %s", res, err, tc.wantID)
			}
			if d := cmp.Diff(tc.wantCalls, f.opNames()); d != "" {
				t.Errorf("calls (-want +got):\n%s", d)
			}
			if len(tc.lookup) > 0 && f.last("getServerInstanceList").Get("serverName") != "web-1" {
				t.Errorf("lookup not filtered by server name")
			}
		})
	}
}

func TestCreateServerFailsWithAddress(t *testing.T) {
	f := newFake(t)
	f.on("createServerInstances", answer(400, `{"responseError": {"returnCode": "1401", "returnMessage": "Not found server product. Please check the product code, region, and zone."}}`))
	_, err := f.provider(nil).Create(context.Background(), providers.CreateRequest{Owner: providers.Owner{Fleet: "shop", Address: "server/web-1"}, Server: &providers.ServerCreate{Spec: providers.NewServerSpec(fullServer())}})
	var ae *providers.APIError
	if !errors.As(err, &ae) || ae.Code != "1401" || ae.Address != "server/web-1" {
		t.Fatalf("err = %v, want code 1401 naming server/web-1", err)
	}
	if want := "server/web-1: ncloud createServerInstances: HTTP 400 code 1401: Not found server product. Please check the product code, region, and zone."; err.Error() != want {
		t.Errorf("message = %q\nwant      %q", err.Error(), want)
	}
}

func detail(no, status, op string) responder {
	return ok("getServerInstanceDetail", serverList(serverJSON(no, "web-1", "fleet:shop server/web-1", status, op)))
}

func listed(no, status, op, specCode string) responder {
	s := serverJSON(no, "web-1", "fleet:shop server/web-1", status, op)
	if specCode != "" {
		s = replaceSpec(s, specCode)
	}
	return ok("getServerInstanceList", serverList(s))
}

func replaceSpec(s, code string) string {
	return s[:len(s)-len(`"s2-g2-s50"}`)] + `"` + code + `"}`
}

func TestUpdateServer(t *testing.T) {
	tests := map[string]struct {
		req       providers.UpdateRequest
		setup     func(f *fakeAPI)
		wantCalls []string
		wantErr   error
	}{
		"resize running: stop, change, start": {
			providers.UpdateRequest{Change: providers.Resize{Type: "s4-g2-s50"}},
			func(f *fakeAPI) {
				f.on("getServerInstanceDetail", detail("1", "RUN", "NULL"))
				f.on("stopServerInstances", ok("stopServerInstances", ""))
				f.on("getServerInstanceList", listed("1", "RUN", "SHTDN", ""), listed("1", "NSTOP", "NULL", ""), listed("1", "NSTOP", "CHNG", ""), listed("1", "NSTOP", "NULL", "s4-g2-s50"))
				f.on("changeServerInstanceSpec", ok("changeServerInstanceSpec", ""))
				f.on("startServerInstances", ok("startServerInstances", ""))
			},
			[]string{"getServerInstanceDetail", "stopServerInstances", "getServerInstanceList", "getServerInstanceList",
				"changeServerInstanceSpec", "getServerInstanceList", "getServerInstanceList", "startServerInstances"},
			nil,
		},
		"resize stopped stays stopped": {
			providers.UpdateRequest{Change: providers.Resize{Type: "s4-g2-s50"}},
			func(f *fakeAPI) {
				f.on("getServerInstanceDetail", detail("1", "NSTOP", "NULL"))
				f.on("changeServerInstanceSpec", ok("changeServerInstanceSpec", ""))
				f.on("getServerInstanceList", listed("1", "NSTOP", "NULL", "s4-g2-s50"))
			},
			[]string{"getServerInstanceDetail", "changeServerInstanceSpec", "getServerInstanceList"},
			nil,
		},
		"resize to the current type": {
			providers.UpdateRequest{Change: providers.Resize{Type: "s2-g2-s50"}},
			func(f *fakeAPI) { f.on("getServerInstanceDetail", detail("1", "RUN", "NULL")) },
			[]string{"getServerInstanceDetail"}, nil,
		},
		"start a running server": {
			providers.UpdateRequest{Change: providers.PowerChange{To: spec.PowerRunning}},
			func(f *fakeAPI) { f.on("getServerInstanceDetail", detail("1", "RUN", "NULL")) },
			[]string{"getServerInstanceDetail"}, nil,
		},
		"stop waits for setup to end": {
			providers.UpdateRequest{Change: providers.PowerChange{To: spec.PowerStopped}},
			func(f *fakeAPI) {
				f.on("getServerInstanceDetail", detail("1", "RUN", "SETUP"), detail("1", "RUN", "NULL"))
				f.on("getServerInstanceList", listed("1", "RUN", "NULL", ""))
				f.on("stopServerInstances", ok("stopServerInstances", ""))
			},
			[]string{"getServerInstanceDetail", "getServerInstanceList", "getServerInstanceDetail", "stopServerInstances"}, nil,
		},
		"shelve is not NCP": {
			providers.UpdateRequest{Change: providers.PowerChange{To: spec.PowerShelved}},
			func(f *fakeAPI) {}, nil, providers.ErrConflict,
		},
		"protect": {
			providers.UpdateRequest{Change: providers.Protect{On: true}},
			func(f *fakeAPI) {
				f.on("getServerInstanceDetail", detail("1", "RUN", "NULL"))
				f.on("setProtectServerTermination", ok("setProtectServerTermination", ""))
			},
			[]string{"getServerInstanceDetail", "setProtectServerTermination"}, nil,
		},
		"rename": {
			providers.UpdateRequest{Change: providers.Rename{Name: "api-1", Owner: providers.Owner{Fleet: "shop", Address: "server/api-1"}}},
			func(f *fakeAPI) {
				f.on("getServerInstanceDetail", detail("1", "RUN", "NULL"))
				f.on("changeServerInstanceName", ok("changeServerInstanceName", ""))
			},
			[]string{"getServerInstanceDetail", "changeServerInstanceName"}, nil,
		},
		"rename a batch member: name only, no read": {
			providers.UpdateRequest{Change: providers.Rename{Name: "web-1", Owner: providers.Owner{Fleet: "shop", Address: "server/web-1"}, NameOnly: true}},
			func(f *fakeAPI) { f.on("changeServerInstanceName", ok("changeServerInstanceName", "")) },
			[]string{"changeServerInstanceName"}, nil,
		},
		"security groups need a replace": {
			providers.UpdateRequest{Change: providers.SecurityGroups{Names: []string{"44"}}},
			func(f *fakeAPI) { f.on("getServerInstanceDetail", detail("1", "RUN", "NULL")) },
			[]string{"getServerInstanceDetail"}, providers.ErrConflict,
		},
		"missing server": {
			providers.UpdateRequest{Change: providers.PowerChange{To: spec.PowerStopped}},
			func(f *fakeAPI) { f.on("getServerInstanceDetail", ok("getServerInstanceDetail", serverList())) },
			[]string{"getServerInstanceDetail"}, providers.ErrNotFound,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFake(t)
			tc.setup(f)
			tc.req.Kind, tc.req.ID, tc.req.Address = addrs.KindServer, "1", "server/web-1"
			_, err := f.provider(nil).Update(context.Background(), tc.req)
			if (tc.wantErr == nil && err != nil) || !errors.Is(err, tc.wantErr) {
				t.Fatalf("Update err = %v, want %v", err, tc.wantErr)
			}
			if d := cmp.Diff(tc.wantCalls, f.opNames()); d != "" {
				t.Errorf("calls (-want +got):\n%s", d)
			}
		})
	}
}

func TestUpdateServerForms(t *testing.T) {
	f := newFake(t)
	f.on("getServerInstanceDetail", detail("1", "NSTOP", "NULL"))
	f.on("changeServerInstanceSpec", ok("changeServerInstanceSpec", ""))
	f.on("getServerInstanceList", listed("1", "NSTOP", "NULL", "SVR.VSVR.STAND.C004.M016.NET.SSD.B050.G002"))
	p := f.provider(nil)
	req := providers.UpdateRequest{Kind: addrs.KindServer, ID: "1", Address: "server/web-1", Change: providers.Resize{Type: "SVR.VSVR.STAND.C004.M016.NET.SSD.B050.G002"}}
	if _, err := p.Update(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"regionCode": "KR", "responseFormatType": "json", "serverInstanceNo": "1", "serverProductCode": "SVR.VSVR.STAND.C004.M016.NET.SSD.B050.G002"}
	if d := cmp.Diff(want, flat(f.last("changeServerInstanceSpec"))); d != "" {
		t.Errorf("changeServerInstanceSpec form (-want +got):\n%s", d)
	}
	if got := f.last("getServerInstanceList").Get("serverInstanceNoList.1"); got != "1" {
		t.Errorf("poll not filtered by serverInstanceNoList.1: %q", got)
	}
}

func TestDeleteServer(t *testing.T) {
	tests := map[string]struct {
		setup     func(f *fakeAPI)
		wantCalls []string
		wantErr   error
	}{
		"running with a volume: stop, detach, wait setup, terminate": {
			func(f *fakeAPI) {
				f.on("getServerInstanceDetail", detail("1", "RUN", "NULL"))
				f.on("stopServerInstances", ok("stopServerInstances", ""))
				f.on("getServerInstanceList", listed("1", "NSTOP", "NULL", ""), listed("1", "NSTOP", "SETUP", ""), listed("1", "NSTOP", "NULL", ""))
				f.on("getBlockStorageInstanceList",
					ok("getBlockStorageInstanceList", volumeList(volumeJSON("10", "1", "BASIC", "", "ATTAC", "NULL", 50), volumeJSON("11", "1", "SVRBS", "fleet:shop volume/web-1/data", "ATTAC", "NULL", 100))),
					ok("getBlockStorageInstanceList", volumeList(volumeJSON("11", "", "SVRBS", "fleet:shop volume/web-1/data", "CREAT", "NULL", 100))))
				f.on("detachBlockStorageInstances", ok("detachBlockStorageInstances", ""))
				f.on("terminateServerInstances", ok("terminateServerInstances", ""))
				f.on("getPublicIpInstanceList", ok("getPublicIpInstanceList", `"totalRows": 0, "publicIpInstanceList": []`))
			},
			[]string{"getServerInstanceDetail", "getPublicIpInstanceList", "stopServerInstances", "getServerInstanceList", "getBlockStorageInstanceList",
				"detachBlockStorageInstances", "getBlockStorageInstanceList", "getServerInstanceList", "getServerInstanceList", "terminateServerInstances"},
			nil,
		},
		"stopped without volumes": {
			func(f *fakeAPI) {
				f.on("getServerInstanceDetail", detail("1", "NSTOP", "NULL"))
				f.on("getBlockStorageInstanceList", ok("getBlockStorageInstanceList", volumeList(volumeJSON("10", "1", "BASIC", "", "ATTAC", "NULL", 50))))
				f.on("terminateServerInstances", ok("terminateServerInstances", ""))
				f.on("getPublicIpInstanceList", ok("getPublicIpInstanceList", `"totalRows": 0, "publicIpInstanceList": []`))
			},
			[]string{"getServerInstanceDetail", "getPublicIpInstanceList", "getBlockStorageInstanceList", "terminateServerInstances"}, nil,
		},
		"protected": {
			func(f *fakeAPI) {
				f.on("getServerInstanceDetail", ok("getServerInstanceDetail", serverList(
					`{"serverInstanceNo": "1", "serverName": "web-1", "isProtectServerTermination": true, "serverInstanceStatus": {"code": "RUN"}, "serverInstanceOperation": {"code": "NULL"}}`)))
			},
			[]string{"getServerInstanceDetail"}, providers.ErrConflict,
		},
		"missing": {
			func(f *fakeAPI) { f.on("getServerInstanceDetail", ok("getServerInstanceDetail", serverList())) },
			[]string{"getServerInstanceDetail"}, providers.ErrNotFound,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFake(t)
			tc.setup(f)
			_, err := f.provider(nil).Delete(context.Background(), providers.DeleteRequest{Kind: addrs.KindServer, ID: "1", Address: "server/web-1"})
			if (tc.wantErr == nil && err != nil) || !errors.Is(err, tc.wantErr) {
				t.Fatalf("Delete err = %v, want %v", err, tc.wantErr)
			}
			if d := cmp.Diff(tc.wantCalls, f.opNames()); d != "" {
				t.Errorf("calls (-want +got):\n%s", d)
			}
		})
	}
}
