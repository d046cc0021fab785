package nhncloud

import (
	"context"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
)

const testImage = "9956f822-29c9-4f81-9410-0c392d9c8c24"

func dbServer() *spec.Server {
	return &spec.Server{
		Name: "db-1", Image: testImage, Type: "m2.c4m8", Zone: "kr-pub-a",
		Network:    spec.Network{Subnet: "b83863ff-0355-4c73-8c10-0bdf66a69aab", SecurityGroups: []string{"default", "db"}, IP: "192.168.0.20"},
		Key:        "access-key",
		RootVolume: &spec.RootVolume{Size: 50, Type: "General SSD"},
		UserData:   "#!/bin/sh\necho hi\n",
		Metadata:   map[string]string{"role": "db"},
	}
}

var dbOwner = providers.Owner{Fleet: "shop", Address: "server/db-1"}

func TestCreateServerBody(t *testing.T) {
	ud := base64.StdEncoding.EncodeToString([]byte("#!/bin/sh\necho hi\n"))
	tests := map[string]struct {
		mutate func(*spec.Server)
		want   string
	}{
		"volume-backed with subnet and fixed ip": {
			want: `{"server": {"name": "db-1", "imageRef": "` + testImage + `", "flavorRef": "` + flavorM2C4M8 + `",
			  "networks": [{"subnet": "b83863ff-0355-4c73-8c10-0bdf66a69aab", "fixed_ip": "192.168.0.20"}],
			  "availability_zone": "kr-pub-a", "key_name": "access-key", "min_count": 1, "max_count": 1,
			  "security_groups": [{"name": "default"}, {"name": "db"}], "user_data": "` + ud + `",
			  "metadata": {"role": "db", "fleet": "shop", "fleet-address": "server/db-1"},
			  "block_device_mapping_v2": [{"source_type": "image", "uuid": "` + testImage + `", "boot_index": 0,
			    "destination_type": "volume", "volume_size": 50, "volume_type": "General SSD", "delete_on_termination": true}]}}`,
		},
		"u2 flavor boots from local disk": {
			mutate: func(s *spec.Server) {
				s.Type, s.RootVolume, s.UserData, s.Metadata = "u2.c2m4", nil, "", nil
				s.Network = spec.Network{VPC: "7a3a8a0e-2ac8-4f0b-8e1a-0ec3c5c4b1e2"}
			},
			want: `{"server": {"name": "db-1", "imageRef": "` + testImage + `", "flavorRef": "` + flavorU2C2M4 + `",
			  "networks": [{"uuid": "7a3a8a0e-2ac8-4f0b-8e1a-0ec3c5c4b1e2"}], "availability_zone": "kr-pub-a",
			  "key_name": "access-key", "min_count": 1, "max_count": 1,
			  "metadata": {"fleet": "shop", "fleet-address": "server/db-1"}}}`,
		},
		"default root size and type": {
			mutate: func(s *spec.Server) {
				s.RootVolume, s.UserData, s.Metadata, s.Network.SecurityGroups, s.Network.IP = nil, "", nil, nil, ""
			},
			want: `{"server": {"name": "db-1", "imageRef": "` + testImage + `", "flavorRef": "` + flavorM2C4M8 + `",
			  "networks": [{"subnet": "b83863ff-0355-4c73-8c10-0bdf66a69aab"}], "availability_zone": "kr-pub-a",
			  "key_name": "access-key", "min_count": 1, "max_count": 1,
			  "metadata": {"fleet": "shop", "fleet-address": "server/db-1"},
			  "block_device_mapping_v2": [{"source_type": "image", "uuid": "` + testImage + `", "boot_index": 0,
			    "destination_type": "volume", "volume_size": 20, "delete_on_termination": true}]}}`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFake(t)
			f.handle("POST "+computePath("/servers"), tc.want, http.StatusAccepted,
				`{"server": {"id": "3a005d5b-63cf-4493-bfc6-49db990b5b50", "links": [], "security_groups": [{"name": "default"}]}}`)
			p := f.provider(t)
			s := dbServer()
			if tc.mutate != nil {
				tc.mutate(s)
			}
			res, err := p.Create(context.Background(), providers.CreateRequest{Owner: dbOwner, Server: &providers.ServerCreate{Spec: providers.NewServerSpec(s)}})
			if err != nil {
				t.Fatalf("create: %v", err)
			}
			if res.ID != "3a005d5b-63cf-4493-bfc6-49db990b5b50" {
				t.Errorf("id = %q", res.ID)
			}
		})
	}
}

func TestCreateServerFromDeclaredImage(t *testing.T) {
	f := newFake(t)
	const golden = "5f0c7c8e-0d7e-4c1c-9d57-1f7b9d3c2a10"
	f.mux.HandleFunc("POST "+computePath("/servers"), f.check("", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Server struct {
				ImageRef string                  `json:"imageRef"`
				BDM      []struct{ UUID string } `json:"block_device_mapping_v2"`
			}
		}
		decode(t, r, &body)
		if body.Server.ImageRef != golden || body.Server.BDM[0].UUID != golden {
			t.Errorf("imageRef %q, bdm uuid %q; want %q", body.Server.ImageRef, body.Server.BDM[0].UUID, golden)
		}
		reply(w, http.StatusAccepted, `{"server": {"id": "s1"}}`)
	}))
	p := f.provider(t)
	s := dbServer()
	s.Image = "image/golden"
	if _, err := p.Create(context.Background(), providers.CreateRequest{Owner: dbOwner, Server: &providers.ServerCreate{Spec: providers.NewServerSpec(s), ImageID: golden}}); err != nil {
		t.Fatal(err)
	}
}

// A 503 on POST /servers may hide a server that was created: the provider
// looks for it by owner tag and adopts it, or creates again if it is not
// there. It never creates twice blindly.
func TestCreateServerAfterAmbiguousFailure(t *testing.T) {
	tagged := serverJSON("s-adopt", "db-1", "BUILD", "spawning", flavorM2C4M8, map[string]string{"fleet": "shop", "fleet-address": "server/db-1"})
	otherFleet := serverJSON("s-other", "db-1", "ACTIVE", "", flavorM2C4M8, map[string]string{"fleet": "other", "fleet-address": "server/db-1"})
	tests := map[string]struct {
		lookup    string // servers/detail answer after the 503
		wantID    string
		wantPosts int
	}{
		"adopts the tagged server":  {lookup: `{"servers": [` + otherFleet + `, ` + tagged + `]}`, wantID: "s-adopt", wantPosts: 1},
		"creates again when absent": {lookup: `{"servers": [` + otherFleet + `]}`, wantID: "s-new", wantPosts: 2},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFake(t)
			f.mux.HandleFunc("POST "+computePath("/servers"), f.check("", sequence(
				answer(http.StatusServiceUnavailable, `{"serviceUnavailable": {"code": 503, "message": "busy"}}`),
				answer(http.StatusAccepted, `{"server": {"id": "s-new"}}`))))
			f.mux.HandleFunc("GET "+computePath("/servers/detail"), f.check("", func(w http.ResponseWriter, r *http.Request) {
				if got := r.URL.Query().Get("name"); got != "^db-1$" {
					t.Errorf("name filter = %q, want ^db-1$", got)
				}
				reply(w, http.StatusOK, tc.lookup)
			}))
			p := f.provider(t)
			res, err := p.Create(context.Background(), providers.CreateRequest{Owner: dbOwner, Server: &providers.ServerCreate{Spec: providers.NewServerSpec(dbServer())}})
			if err != nil {
				t.Fatalf("create: %v", err)
			}
			if res.ID != tc.wantID {
				t.Errorf("id = %q, want %q", res.ID, tc.wantID)
			}
			if n := f.count("POST " + computePath("/servers")); n != tc.wantPosts {
				t.Errorf("%d POST /servers, want %d", n, tc.wantPosts)
			}
		})
	}
}

func TestCreateServerUnknownFlavor(t *testing.T) {
	f := newFake(t)
	p := f.provider(t)
	s := dbServer()
	s.Type = "m2.c4m9"
	_, err := p.Create(context.Background(), providers.CreateRequest{Owner: dbOwner, Server: &providers.ServerCreate{Spec: providers.NewServerSpec(s)}})
	if err == nil || !strings.Contains(err.Error(), `unknown flavor "m2.c4m9" (close: m2.c4m8, m2.c8m16, u2.c2m4)`) {
		t.Fatalf("err = %v, want the close flavor names", err)
	}
	if !strings.HasPrefix(err.Error(), "server/db-1: ") {
		t.Errorf("err %q does not name the address", err)
	}
}

func TestCreateVolumeBody(t *testing.T) {
	f := newFake(t)
	f.handle("POST "+volumePath("/volumes"),
		`{"volume": {"name": "db-1-pgdata", "size": 500, "volume_type": "General SSD", "availability_zone": "kr-pub-a",
		  "metadata": {"fleet": "shop", "fleet-address": "volume/db-1/pgdata"}}}`,
		http.StatusAccepted, `{"volume": {"id": "v1", "status": "creating", "size": 500}}`)
	p := f.provider(t)
	res, err := p.Create(context.Background(), providers.CreateRequest{
		Owner:  providers.Owner{Fleet: "shop", Address: "volume/db-1/pgdata"},
		Volume: &providers.VolumeCreate{Name: "db-1-pgdata", Size: 500, Type: "General SSD", Zone: "kr-pub-a"},
	})
	if err != nil || res.ID != "v1" {
		t.Fatalf("create volume = %+v, %v", res, err)
	}
}

func TestCreateKeypair(t *testing.T) {
	tests := map[string]struct {
		pub, wantBody, reply string
		want                 providers.CreateResponse
	}{
		"import": {
			pub: "ssh-rsa AAAAB3Nza fleet", wantBody: `{"keypair": {"name": "access-key", "public_key": "ssh-rsa AAAAB3Nza fleet"}}`,
			reply: `{"keypair": {"name": "access-key", "public_key": "ssh-rsa AAAAB3Nza fleet", "fingerprint": "SHA256:x"}}`,
			want:  providers.CreateResponse{ID: "access-key"},
		},
		"generate": {
			wantBody: `{"keypair": {"name": "access-key"}}`,
			reply:    `{"keypair": {"name": "access-key", "public_key": "ssh-rsa AAAA", "private_key": "-----BEGIN RSA PRIVATE KEY-----", "fingerprint": "SHA256:x"}}`,
			want:     providers.CreateResponse{ID: "access-key", PrivateKey: "-----BEGIN RSA PRIVATE KEY-----"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFake(t)
			f.handle("POST "+computePath("/os-keypairs"), tc.wantBody, http.StatusOK, tc.reply)
			p := f.provider(t)
			res, err := p.Create(context.Background(), providers.CreateRequest{
				Owner: providers.Owner{Fleet: "shop", Address: "keypair/access-key"}, Keypair: &providers.KeypairCreate{Name: "access-key", PublicKey: tc.pub},
			})
			if err != nil || res != tc.want {
				t.Fatalf("create keypair = %+v, %v; want %+v", res, err, tc.want)
			}
		})
	}
}
