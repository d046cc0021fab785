package providers

import "testing"

func TestParseGroupTag(t *testing.T) {
	tests := map[string]struct {
		address     string
		group       string
		first, last int
		ok          bool
	}{
		"group tag":          {"server/web-[11-30]", "web", 11, 30, true},
		"dashed group":       {"server/api-eu-[1-10]", "api-eu", 1, 10, true},
		"one member":         {"server/web-[7-7]", "web", 7, 7, true},
		"single address":     {"server/web-11", "", 0, 0, false},
		"volume":             {"volume/web-[1-2]", "", 0, 0, false},
		"reversed":           {"server/web-[9-3]", "", 0, 0, false},
		"zero":               {"server/web-[0-3]", "", 0, 0, false},
		"no group":           {"server/-[1-3]", "", 0, 0, false},
		"not numbers":        {"server/web-[a-b]", "", 0, 0, false},
		"no dash in bracket": {"server/web-[13]", "", 0, 0, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			g, f, l, ok := ParseGroupTag(tc.address)
			if g != tc.group || f != tc.first || l != tc.last || ok != tc.ok {
				t.Errorf("ParseGroupTag(%q) = %q %d %d %v, want %q %d %d %v", tc.address, g, f, l, ok, tc.group, tc.first, tc.last, tc.ok)
			}
		})
	}
	if g, f, l, ok := ParseGroupTag(GroupTag("web", 3, 12)); !ok || g != "web" || f != 3 || l != 12 {
		t.Errorf("GroupTag does not parse back: %q %d %d %v", g, f, l, ok)
	}
}

func TestMemberAddress(t *testing.T) {
	tests := map[string]struct {
		first, last int
		name        string
		rawFrom1    bool
		want        string
	}{
		"ncp padded raw name":       {11, 30, "web-011", false, "server/web-11"},
		"ncp renamed":               {11, 30, "web-11", false, "server/web-11"},
		"ncp moved":                 {11, 30, "api-1", false, "server/api-1"},
		"ncp outside the range":     {11, 30, "web-5", false, "server/web-5"},
		"nhn first batch":           {1, 10, "web-3", true, "server/web-3"},
		"nhn later batch, raw":      {11, 20, "web-3", true, "server/web-13"},
		"nhn later batch, renamed":  {11, 20, "web-13", true, "server/web-13"},
		"nhn raw beyond the batch":  {11, 13, "web-4", true, "server/web-4"},
		"nhn moved":                 {11, 20, "db-1", true, "server/db-1"},
		"other group with a prefix": {1, 10, "web-x-3", true, "server/web-x-3"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := MemberAddress("web", tc.first, tc.last, tc.name, tc.rawFrom1); got != tc.want {
				t.Errorf("MemberAddress(web, %d, %d, %q, %v) = %q, want %q", tc.first, tc.last, tc.name, tc.rawFrom1, got, tc.want)
			}
		})
	}
}

func TestTagAddress(t *testing.T) {
	tests := map[string]struct {
		tag, name string
		rawFrom1  bool
		want      string
		group     bool
	}{
		"group tag, ncp raw": {"server/web-[11-30]", "web-011", false, "server/web-11", true},
		"group tag, nhn raw": {"server/web-[11-20]", "web-3", true, "server/web-13", true},
		"single tag":         {"server/web-3", "api-1", false, "server/web-3", false},
		"volume tag":         {"volume/web-3/data", "web-3-data", false, "volume/web-3/data", false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, group := TagAddress(tc.tag, tc.name, tc.rawFrom1)
			if got != tc.want || group != tc.group {
				t.Errorf("TagAddress(%q, %q, %v) = %q, %v; want %q, %v", tc.tag, tc.name, tc.rawFrom1, got, group, tc.want, tc.group)
			}
		})
	}
}
