package nhncloud

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
)

func TestServerOwner(t *testing.T) {
	tag := func(address string) map[string]string {
		return map[string]string{"fleet": "shop", "fleet-address": address}
	}
	tests := map[string]struct {
		name   string
		md     map[string]string
		want   string // the address read back; "" when not fleet's
		wantOK bool
	}{
		"single address":                    {name: "db-1", md: tag("server/db-1"), want: "server/db-1", wantOK: true},
		"first batch, raw name":             {name: "web-4", md: tag("server/web-[1-10]"), want: "server/web-4", wantOK: true},
		"second batch, raw name":            {name: "web-3", md: tag("server/web-[11-20]"), want: "server/web-13", wantOK: true},
		"second batch, renamed as declared": {name: "web-13", md: tag("server/web-[11-20]"), want: "server/web-13", wantOK: true},
		"short batch, raw name":             {name: "web-2", md: tag("server/web-[13-15]"), want: "server/web-14", wantOK: true},
		"raw name beyond the batch's size":  {name: "web-4", md: tag("server/web-[13-15]"), want: "server/web-4", wantOK: true},
		"declared name outside the range":   {name: "web-21", md: tag("server/web-[11-20]"), want: "server/web-21", wantOK: true},
		"renamed by hand, tag kept":         {name: "cache-1", md: tag("server/web-[11-20]"), want: "server/cache-1", wantOK: true},
		"moved: the tag follows the name":   {name: "api-1", md: tag("server/api-1"), want: "server/api-1", wantOK: true},
		"another group's name":              {name: "webx-3", md: tag("server/web-[11-20]"), want: "server/webx-3", wantOK: true},
		"group name with a dash":            {name: "web-a-2", md: tag("server/web-a-[11-12]"), want: "server/web-a-12", wantOK: true},
		"malformed group tag is an address": {name: "web-2", md: tag("server/web-[3-1]"), want: "server/web-[3-1]", wantOK: true},
		"untagged":                          {name: "web-2", md: map[string]string{"fleet-address": "server/web-[1-2]"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, ok := serverOwner(tc.name, tc.md)
			if ok != tc.wantOK || got.Address != tc.want {
				t.Errorf("serverOwner(%q) = %q, %v; want %q, %v", tc.name, got.Address, ok, tc.want, tc.wantOK)
			}
		})
	}
}

func TestServerBatchSize(t *testing.T) {
	member := func(index int) *spec.Server {
		s := dbServer()
		s.Network.IP = ""
		s.Group, s.Index, s.Name, s.BatchCreate = "web", index, "web-"+itoa(index), true
		return s
	}
	tests := map[string]struct {
		s    *spec.Server
		n    int
		want int
	}{
		"first member, 12 waiting": {s: member(1), n: 12, want: 10},
		"first member, 4 waiting":  {s: member(1), n: 4, want: 4},
		"second member":            {s: member(2), n: 12, want: 1},
		"member 4 takes 3":         {s: member(4), n: 12, want: 3},
		"member 11 takes 10":       {s: member(11), n: 20, want: 10},
		"member 13, 3 waiting":     {s: member(13), n: 3, want: 3},
		"one waiting":              {s: member(1), n: 1, want: 1},
		// Without batch_create only the first batch, which NHN names as
		// declared, is made.
		"plain first member":   {s: func() *spec.Server { s := member(1); s.BatchCreate = false; return s }(), n: 12, want: 10},
		"plain member 11":      {s: func() *spec.Server { s := member(11); s.BatchCreate = false; return s }(), n: 20, want: 1},
		"without count":        {s: dbServer(), n: 5, want: 1},
		"fixed ip":             {s: func() *spec.Server { s := member(1); s.Network.IP = "192.168.0.20"; return s }(), n: 5, want: 1},
		"name not GROUP-INDEX": {s: func() *spec.Server { s := member(1); s.Name = "web-01"; return s }(), n: 5, want: 1},
		"group tag longer than NHN's limit": {s: func() *spec.Server {
			s := member(1)
			s.Group = strings.Repeat("w", 245)
			s.Name = s.Group + "-1"
			return s
		}(), n: 5, want: 1},
	}
	p := &Provider{}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := p.ServerBatchSize(providers.NewServerSpec(tc.s), tc.n); got != tc.want {
				t.Errorf("ServerBatchSize(%s, %d) = %d, want %d", tc.s.Name, tc.n, got, tc.want)
			}
		})
	}
}

// webMembers returns members first..first+n-1 of group web, alike but for
// their names.
func webMembers(first, n int) []*spec.Server {
	out := make([]*spec.Server, n)
	for i := range out {
		s := dbServer()
		s.Network.IP, s.Protect = "", true
		s.Group, s.Index, s.Name, s.BatchCreate = "web", first+i, "web-"+itoa(first+i), true
		out[i] = s
	}
	return out
}

// memberJSON is a server of a batch as servers/detail lists it.
func memberJSON(id, name, tag string) string {
	return serverJSON(id, name, "BUILD", "scheduling", flavorM2C4M8, map[string]string{
		"fleet": "shop", "fleet-address": tag, "fleet-protect": "true", "role": "db", "os_distro": "ubuntu"})
}

// One POST names the group, asks for len members and the reservation id,
// and tags them with the group tag; one list by reservation id then
// matches the members by name, whatever order the list has.
func TestCreateServersBody(t *testing.T) {
	ud := "IyEvYmluL3NoCmVjaG8gaGkK"
	tests := map[string]struct {
		first, n int
		tag      string
		list     []string // servers/detail?reservation_id answer
		want     []providers.CreatedServer
	}{
		"first batch": {
			first: 1, n: 3, tag: "server/web-[1-3]",
			list: []string{memberJSON("s3", "web-3", "server/web-[1-3]"), memberJSON("s1", "web-1", "server/web-[1-3]"), memberJSON("s2", "web-2", "server/web-[1-3]")},
			want: []providers.CreatedServer{{ID: "s1", Name: "web-1"}, {ID: "s2", Name: "web-2"}, {ID: "s3", Name: "web-3"}},
		},
		"second batch is named from 1 again": {
			first: 11, n: 2, tag: "server/web-[11-12]",
			list: []string{memberJSON("s12", "web-2", "server/web-[11-12]"), memberJSON("s11", "web-1", "server/web-[11-12]")},
			want: []providers.CreatedServer{{ID: "s11", Name: "web-1"}, {ID: "s12", Name: "web-2"}},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFake(t)
			f.handle("POST "+computePath("/servers"), `{"server": {"name": "web", "imageRef": "`+testImage+`", "flavorRef": "`+flavorM2C4M8+`",
			  "networks": [{"subnet": "b83863ff-0355-4c73-8c10-0bdf66a69aab"}],
			  "availability_zone": "kr-pub-a", "key_name": "access-key", "min_count": `+itoa(tc.n)+`, "max_count": `+itoa(tc.n)+`,
			  "return_reservation_id": true,
			  "security_groups": [{"name": "default"}, {"name": "db"}], "user_data": "`+ud+`",
			  "metadata": {"role": "db", "fleet": "shop", "fleet-address": "`+tc.tag+`", "fleet-protect": "true"},
			  "block_device_mapping_v2": [{"source_type": "image", "uuid": "`+testImage+`", "boot_index": 0,
			    "destination_type": "volume", "volume_size": 50, "volume_type": "General SSD", "delete_on_termination": true}]}}`,
				http.StatusAccepted, `{"reservation_id": "r-3fhpjulh"}`)
			f.mux.HandleFunc("GET "+computePath("/servers/detail"), f.check("", func(w http.ResponseWriter, r *http.Request) {
				if got := r.URL.Query().Get("reservation_id"); got != "r-3fhpjulh" {
					t.Errorf("reservation_id = %q, want r-3fhpjulh", got)
				}
				reply(w, http.StatusOK, `{"servers": [`+strings.Join(tc.list, ", ")+`]}`)
			}))
			p := f.provider(t)
			res, err := p.CreateServers(context.Background(), providers.CreateServersRequest{Fleet: "shop", Servers: specsOf(webMembers(tc.first, tc.n))})
			if err != nil {
				t.Fatalf("create: %v", err)
			}
			if diff := cmp.Diff(tc.want, res.Created); diff != "" {
				t.Errorf("created (-want +got):\n%s", diff)
			}
			if n, l := f.count("POST "+computePath("/servers")), f.count("GET "+computePath("/servers/detail")); n != 1 || l != 1 {
				t.Errorf("%d POST /servers and %d lists, want 1 and 1", n, l)
			}
		})
	}
}

// A 503 on a batch's POST may hide members that were created: they are
// looked up by the group tag and adopted; the call is sent again only when
// none exist, and members still missing are named in the error.
func TestCreateServersAfterAmbiguousFailure(t *testing.T) {
	const tag = "server/web-[11-13]"
	other := serverJSON("o1", "web-1", "ACTIVE", "", flavorM2C4M8, map[string]string{"fleet": "shop", "fleet-address": "server/web-[1-10]"})
	tests := map[string]struct {
		lookup    []string // servers/detail?name= answer after the 503
		wantPosts int
		want      []providers.CreatedServer
		wantErr   string
	}{
		"adopts the members, renamed or raw": {
			lookup:    []string{other, memberJSON("a3", "web-3", tag), memberJSON("a1", "web-11", tag), memberJSON("a2", "web-2", tag)},
			wantPosts: 1,
			want:      []providers.CreatedServer{{ID: "a1", Name: "web-11"}, {ID: "a2", Name: "web-2"}, {ID: "a3", Name: "web-3"}},
		},
		"creates again when none exist": {
			lookup:    []string{other},
			wantPosts: 2,
			want:      []providers.CreatedServer{{ID: "n1", Name: "web-1"}, {ID: "n2", Name: "web-2"}, {ID: "n3", Name: "web-3"}},
		},
		"names the members still missing": {
			lookup:    []string{memberJSON("a2", "web-2", tag)},
			wantPosts: 1,
			wantErr:   "server/web-[11-13]: nhncloud: the batch create made no server for web-11, web-13",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFake(t)
			f.mux.HandleFunc("POST "+computePath("/servers"), f.check("", sequence(
				answer(http.StatusServiceUnavailable, `{"serviceUnavailable": {"code": 503, "message": "busy"}}`),
				answer(http.StatusAccepted, `{"reservation_id": "r-again"}`))))
			f.mux.HandleFunc("GET "+computePath("/servers/detail"), f.check("", func(w http.ResponseWriter, r *http.Request) {
				q := r.URL.Query()
				switch {
				case q.Get("name") == `^web-[0-9]+$`:
					reply(w, http.StatusOK, `{"servers": [`+strings.Join(tc.lookup, ", ")+`]}`)
				case q.Get("reservation_id") == "r-again":
					reply(w, http.StatusOK, `{"servers": [`+memberJSON("n2", "web-2", tag)+`, `+memberJSON("n1", "web-1", tag)+`, `+memberJSON("n3", "web-3", tag)+`]}`)
				default:
					t.Errorf("unexpected list %s", r.URL.RawQuery)
				}
			}))
			p := f.provider(t)
			res, err := p.CreateServers(context.Background(), providers.CreateServersRequest{Fleet: "shop", Servers: specsOf(webMembers(11, 3))})
			switch {
			case tc.wantErr != "":
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
			case err != nil:
				t.Fatalf("create: %v", err)
			}
			if diff := cmp.Diff(tc.want, res.Created); diff != "" {
				t.Errorf("created (-want +got):\n%s", diff)
			}
			if n := f.count("POST " + computePath("/servers")); n != tc.wantPosts {
				t.Errorf("%d POST /servers, want %d", n, tc.wantPosts)
			}
		})
	}
}

// A batch that cannot be one call is refused before anything is sent.
func TestCreateServersRefusesABadBatch(t *testing.T) {
	tests := map[string][]*spec.Server{
		"not consecutive":   append(webMembers(1, 2), webMembers(4, 1)...),
		"overlapping names": webMembers(2, 3),
		"eleven members":    webMembers(1, 11),
	}
	for name, ms := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFake(t)
			p := f.provider(t)
			if _, err := p.CreateServers(context.Background(), providers.CreateServersRequest{Fleet: "shop", Servers: specsOf(ms)}); err == nil {
				t.Fatal("created, want an error")
			}
			if n := f.count("POST " + computePath("/servers")); n != 0 {
				t.Errorf("%d POST /servers, want none", n)
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
