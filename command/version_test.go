package command

import (
	"runtime/debug"
	"testing"
)

func TestBuildVersion(t *testing.T) {
	vcs := func(rev, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: modified}}
	}
	tests := map[string]struct {
		stamped string
		info    *debug.BuildInfo
		want    string
	}{
		"stamped by make build wins": {stamped: "v1.2.3-4-gabc", info: &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}, want: "v1.2.3-4-gabc"},
		"go install at a tag":        {info: &debug.BuildInfo{Main: debug.Module{Version: "v0.2.0"}}, want: "v0.2.0"},
		"go install at a commit":     {info: &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261207132732-63eecfeea75b"}}, want: "v0.0.0-20261207132732-63eecfeea75b"},
		"checkout, clean":            {info: &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("63eecfeea75b766c05699ad71485055c37e76b3d", "false")}, want: "devel+63eecfeea75b"},
		"checkout, dirty":            {info: &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("63eecfeea75b766c05699ad71485055c37e76b3d", "true")}, want: "devel+63eecfeea75b-dirty"},
		"-buildvcs=false":            {info: &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, want: "dev"},
		"no build information":       {info: nil, want: "dev"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got := buildVersion(tt.stamped, func() (*debug.BuildInfo, bool) { return tt.info, tt.info != nil })
			if got != tt.want {
				t.Errorf("got %q want %q", got, tt.want)
			}
		})
	}
}
