package spec

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLoadSemanticErrors(t *testing.T) {
	long := strings.Repeat("a", 252) // the schema accepts it, but its 100th instance name is 256 characters
	ncpServer := "{ provider: ncp, image: i, type: t, network: { vpc: '1', subnet: '2' } }"
	tests := map[string]struct {
		body string
		want []string
	}{
		"postgres with a path": {
			body: "state: { backend: postgres, path: x.json }\n",
			want: []string{"state.path: only the local backend has a path"},
		},
		"local with a dsn": {
			body: "state: { dsn: postgres://127.0.0.1/x }\n",
			want: []string{"state.dsn: only the postgres backend has a dsn"},
		},
		"local with a key": {
			body: "state: { key: shop-dev }\n",
			want: []string{"state.key: only the postgres backend has a key"},
		},
		"endpoint not a URL": {
			body: "providers:\n  ncp: { type: ncloud, region: KR, endpoint: 'ftp://x' }\n",
			want: []string{`providers.ncp.endpoint: must be "embedded" or an http(s) URL, got "ftp://x"`},
		},
		"image made from a server booting from it": {
			body: "providers:\n  ncp: { type: ncloud, region: KR }\nservers:\n  web: { provider: ncp, image: image/gold, type: t, network: { vpc: '1', subnet: '2' } }\nimages:\n  gold: { from: web }\n",
			want: []string{`images.gold.from: image "gold" is made from a server that boots from it`},
		},
		"two images in a cycle": {
			body: "providers:\n  ncp: { type: ncloud, region: KR }\nservers:\n  aaa: { provider: ncp, image: image/img-b, type: t, network: { vpc: '1', subnet: '2' } }\n  bbb: { provider: ncp, image: image/img-a, type: t, network: { vpc: '1', subnet: '2' } }\nimages:\n  img-a: { from: aaa }\n  img-b: { from: bbb }\n",
			want: []string{
				`images.img-a.from: image "img-a" is made from a server that boots from it`,
				`images.img-b.from: image "img-b" is made from a server that boots from it`,
			},
		},
		"NCP image name": {
			body: "providers:\n  ncp: { type: ncloud, region: KR }\nservers:\n  web: " + ncpServer + "\nimages:\n  Gold_Image: { from: web }\n",
			want: []string{`images.Gold_Image: NCP refuses the image name "Gold_Image"`},
		},
		"NHN name over 255": {
			body: "providers:\n  nhn: { type: nhncloud, region: KR1 }\nservers:\n  " + long + ": { provider: nhn, count: 100, image: i, type: t, key: k, network: { subnet: s } }\n",
			want: []string{"servers." + long + ": NHN Cloud refuses server names over 255 characters"},
		},
		"a key written twice beside a merge": {
			body: "x-a: &a { zone: z }\nproviders:\n  ncp: { type: ncloud, region: KR }\nservers:\n  web: { <<: *a, zone: y, provider: ncp, image: i, type: t, network: { vpc: '1', subnet: '2' }, zone: x }\n",
			want: []string{`duplicate key "zone"`},
		},
		"interfaces on NHN": {
			body: "providers:\n  nhn: { type: nhncloud, region: KR1 }\nservers:\n  web: { provider: nhn, image: i, type: t, key: k, network: { subnet: s, interfaces: ['930'] } }\n",
			want: []string{"servers.web.network.interfaces: interfaces is for NCP servers only"},
		},
		"interfaces with count": {
			body: "providers:\n  ncp: { type: ncloud, region: KR }\nservers:\n  web: { provider: ncp, count: 2, image: i, type: t, network: { vpc: '1', subnet: '2', interfaces: ['930'] } }\n",
			want: []string{"servers.web.network.interfaces: existing interfaces need a single server"},
		},
		"one interface taken twice": {
			body: "providers:\n  ncp: { type: ncloud, region: KR }\nservers:\n  web: { provider: ncp, image: i, type: t, network: { vpc: '1', subnet: '2', interfaces: ['930'] } }\n  api: { provider: ncp, image: i, type: t, network: { vpc: '1', subnet: '2', interfaces: ['931', '930'] } }\n",
			want: []string{"servers.web.network.interfaces[0]: network interface 930 is also taken at servers.api.network.interfaces[1]"},
		},
		"one interface twice in one server": {
			body: "providers:\n  ncp: { type: ncloud, region: KR }\nservers:\n  web: { provider: ncp, image: i, type: t, network: { vpc: '1', subnet: '2', interfaces: ['930', '930'] } }\n",
			want: []string{"servers.web.network.interfaces: items at index 0 and 1 are equal"},
		},
		"interfaces with ip": {
			body: "providers:\n  ncp: { type: ncloud, region: KR }\nservers:\n  web: { provider: ncp, image: i, type: t, network: { vpc: '1', subnet: '2', ip: 10.0.0.9, interfaces: ['930'] } }\n",
			want: []string{"servers.web.network.ip: a server taking existing interfaces has their addresses"},
		},
		"NCP name too short": {
			body: "providers:\n  ncp: { type: ncloud, region: KR }\nservers:\n  w: " + ncpServer + "\n",
			want: []string{`servers.w: NCP refuses the server name "w"`},
		},
		"NCP name ending in a dash": {
			body: "providers:\n  ncp: { type: ncloud, region: KR }\nservers:\n  web-: " + ncpServer + "\n",
			want: []string{`servers.web-: NCP refuses the server name "web-"`},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "fleet.yaml")
			if err := os.WriteFile(p, []byte("version: 1\nname: shop\n"+tc.body), 0o644); err != nil {
				t.Fatal(err)
			}
			res := Load([]string{p}, LoadOptions{Getenv: noEnv})
			var got []string
			for _, d := range res.Diagnostics {
				got = append(got, d.Summary)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("summaries (-want +got):\n%s", diff)
			}
		})
	}
}
