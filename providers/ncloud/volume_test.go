package ncloud

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
)

func TestCreateVolumeForm(t *testing.T) {
	f := newFake(t)
	f.on("createBlockStorageInstance", ok("createBlockStorageInstance", volumeList(volumeJSON("11", "1", "SVRBS", "fleet:shop volume/web-1/data", "INIT", "NULL", 100))))
	res, err := f.provider(nil).Create(context.Background(), providers.CreateRequest{
		Owner:  providers.Owner{Fleet: "shop", Address: "volume/web-1/data"},
		Volume: &providers.VolumeCreate{Name: "web-1-data", Size: 100, Type: "SSD", Zone: "KR-1", ServerID: "1"},
	})
	if err != nil || res.ID != "11" {
		t.Fatalf("Create = %+v, %v", res, err)
	}
	want := map[string]string{"regionCode": "KR", "responseFormatType": "json", "blockStorageName": "web-1-data", "blockStorageSize": "100",
		"blockStorageDescription": "fleet:shop volume/web-1/data", "serverInstanceNo": "1", "zoneCode": "KR-1", "blockStorageDiskDetailTypeCode": "SSD"}
	if d := cmp.Diff(want, flat(f.last("createBlockStorageInstance"))); d != "" {
		t.Errorf("form (-want +got):\n%s", d)
	}
}

func TestUpdateVolume(t *testing.T) {
	attached := ok("getBlockStorageInstanceDetail", volumeList(volumeJSON("11", "1", "SVRBS", "fleet:shop volume/web-1/data", "ATTAC", "NULL", 100)))
	detached := ok("getBlockStorageInstanceDetail", volumeList(volumeJSON("11", "", "SVRBS", "fleet:shop volume/web-1/data", "CREAT", "NULL", 100)))
	tests := map[string]struct {
		req      providers.UpdateRequest
		detail   responder
		mutate   string // the mutating op expected, "" for none
		wantForm map[string]string
		wantErr  error
	}{
		"attach":                  {providers.UpdateRequest{Change: providers.Attach{VolumeID: "11", ServerID: "1"}}, detached, "attachBlockStorageInstance", map[string]string{"serverInstanceNo": "1", "blockStorageInstanceNo": "11"}, nil},
		"attach already":          {providers.UpdateRequest{Change: providers.Attach{VolumeID: "11", ServerID: "1"}}, attached, "", nil, nil},
		"attach elsewhere":        {providers.UpdateRequest{Change: providers.Attach{VolumeID: "11", ServerID: "2"}}, attached, "", nil, providers.ErrConflict},
		"detach":                  {providers.UpdateRequest{Change: providers.Detach{VolumeID: "11", ServerID: "1"}}, attached, "detachBlockStorageInstances", map[string]string{"blockStorageInstanceNoList.1": "11"}, nil},
		"detach already":          {providers.UpdateRequest{Change: providers.Detach{VolumeID: "11", ServerID: "1"}}, detached, "", nil, nil},
		"extend":                  {providers.UpdateRequest{Change: providers.ExtendVolume{Size: 200}}, attached, "changeBlockStorageVolumeSize", map[string]string{"blockStorageInstanceNo": "11", "blockStorageSize": "200"}, nil},
		"extend to the same size": {providers.UpdateRequest{Change: providers.ExtendVolume{Size: 100}}, attached, "", nil, nil},
		"shrink":                  {providers.UpdateRequest{Change: providers.ExtendVolume{Size: 50}}, attached, "", nil, providers.ErrConflict},
		"missing":                 {providers.UpdateRequest{Change: providers.ExtendVolume{Size: 50}}, ok("getBlockStorageInstanceDetail", volumeList()), "", nil, providers.ErrNotFound},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFake(t)
			f.on("getBlockStorageInstanceDetail", tc.detail)
			want := []string{"getBlockStorageInstanceDetail"}
			if tc.mutate != "" {
				f.on(tc.mutate, ok(tc.mutate, ""))
				want = append(want, tc.mutate)
			}
			tc.req.Kind, tc.req.ID, tc.req.Address = addrs.KindVolume, "11", "volume/web-1/data"
			_, err := f.provider(nil).Update(context.Background(), tc.req)
			if (tc.wantErr == nil && err != nil) || !errors.Is(err, tc.wantErr) {
				t.Fatalf("Update err = %v, want %v", err, tc.wantErr)
			}
			if d := cmp.Diff(want, f.opNames()); d != "" {
				t.Errorf("calls (-want +got):\n%s", d)
			}
			if tc.mutate != "" {
				form := flat(f.last(tc.mutate))
				for k, v := range tc.wantForm {
					if form[k] != v {
						t.Errorf("%s %s = %q, want %q", tc.mutate, k, form[k], v)
					}
				}
			}
		})
	}
}

func TestImageAndKeypair(t *testing.T) {
	f := newFake(t)
	f.on("createMemberServerImageInstance", ok("createMemberServerImageInstance", `"totalRows": 1, "memberServerImageInstanceList": [{"memberServerImageInstanceNo": "2264", "memberServerImageName": "golden", "originalServerInstanceNo": "1", "memberServerImageInstanceStatus": {"code": "INIT"}, "memberServerImageInstanceOperation": {"code": "CREAT"}}]`))
	f.on("importLoginKey", ok("importLoginKey", `"totalRows": 1, "loginKeyList": [{"keyName": "prod-key", "fingerprint": "eb:8d"}]`))
	f.on("createLoginKey", ok("createLoginKey", `"keyName": "gen-key", "privateKey": "-----BEGIN RSA PRIVATE KEY-----\nMII\n-----END RSA PRIVATE KEY-----"`))
	f.on("getLoginKeyList", ok("getLoginKeyList", `"totalRows": 1, "loginKeyList": [{"keyName": "prod-key"}]`), ok("getLoginKeyList", `"totalRows": 0, "loginKeyList": []`))
	f.on("deleteLoginKeys", ok("deleteLoginKeys", ""))
	p := f.provider(nil)
	ctx := context.Background()

	im, err := p.Create(ctx, providers.CreateRequest{Owner: providers.Owner{Fleet: "shop", Address: "image/golden"}, Image: &providers.ImageCreate{Name: "golden", ServerID: "1"}})
	if err != nil || im.ID != "2264" {
		t.Fatalf("create image = %+v, %v", im, err)
	}
	if d := cmp.Diff(map[string]string{"regionCode": "KR", "responseFormatType": "json", "serverInstanceNo": "1", "memberServerImageName": "golden", "memberServerImageDescription": "fleet:shop image/golden"}, flat(f.last("createMemberServerImageInstance"))); d != "" {
		t.Errorf("image form (-want +got):\n%s", d)
	}
	if _, err := p.Create(ctx, providers.CreateRequest{Owner: providers.Owner{Address: "keypair/prod-key"}, Keypair: &providers.KeypairCreate{Name: "prod-key", PublicKey: "ssh-ed25519 AAAA x"}}); err != nil {
		t.Fatal(err)
	}
	if got := f.last("importLoginKey"); got.Get("keyName") != "prod-key" || got.Get("publicKey") != "ssh-ed25519 AAAA x" {
		t.Errorf("importLoginKey form = %v", got)
	}
	gen, err := p.Create(ctx, providers.CreateRequest{Owner: providers.Owner{Address: "keypair/gen-key"}, Keypair: &providers.KeypairCreate{Name: "gen-key"}})
	if err != nil || gen.ID != "gen-key" || gen.PrivateKey == "" {
		t.Fatalf("generate key = %+v, %v", gen, err)
	}
	if _, err := p.Delete(ctx, providers.DeleteRequest{Kind: addrs.KindKeypair, ID: "prod-key", Address: "keypair/prod-key"}); err != nil {
		t.Fatal(err)
	}
	if got := f.last("deleteLoginKeys").Get("keyNameList.1"); got != "prod-key" {
		t.Errorf("deleteLoginKeys keyNameList.1 = %q", got)
	}
	_, err = p.Delete(ctx, providers.DeleteRequest{Kind: addrs.KindKeypair, ID: "prod-key", Address: "keypair/prod-key"})
	if !errors.Is(err, providers.ErrNotFound) {
		t.Errorf("second delete err = %v, want ErrNotFound", err)
	}
}

// TestImportAmbiguous: an import answered with a 5xx is adopted when the
// key exists, instead of failing on a name that is now taken.
func TestImportAmbiguous(t *testing.T) {
	f := newFake(t)
	f.on("importLoginKey", answer(503, `{"error":{"errorCode":"500","message":"Endpoint Error"}}`))
	f.on("getLoginKeyList", ok("getLoginKeyList", `"totalRows": 1, "loginKeyList": [{"keyName": "prod-key"}]`))
	res, err := f.provider(nil).Create(context.Background(), providers.CreateRequest{Owner: providers.Owner{Address: "keypair/prod-key"}, Keypair: &providers.KeypairCreate{Name: "prod-key", PublicKey: "ssh-ed25519 AAAA x"}})
	if err != nil || res.ID != "prod-key" {
		t.Fatalf("Create = %+v, %v", res, err)
	}
	if d := cmp.Diff([]string{"importLoginKey", "getLoginKeyList"}, f.opNames()); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
}
