package command

import (
	"slices"
	"strings"
	"testing"
)

func TestHoistFlags(t *testing.T) {
	tests := map[string]struct{ in, want string }{
		"flags first already":        {in: "fleet state pull -f infra out.lock", want: "fleet state pull -f infra out.lock"},
		"flag with value after":      {in: "fleet state pull out.lock -f infra", want: "fleet state pull -f infra out.lock"},
		"flag with = after":          {in: "fleet apply plan.json --parallelism=3", want: "fleet apply --parallelism=3 plan.json"},
		"boolean flag after":         {in: "fleet state push x.lock --force -f infra", want: "fleet state push --force -f infra x.lock"},
		"negative value kept":        {in: "fleet apply p --parallelism -3", want: "fleet apply --parallelism -3 p"},
		"unknown flag moved too":     {in: "fleet show p --bogus", want: "fleet show --bogus p"},
		"double dash ends the flags": {in: "fleet validate a.yaml -- -f", want: "fleet validate a.yaml -- -f"},
		"global flags stay":          {in: "fleet --no-color show p --json", want: "fleet --no-color show --json p"},
		"unknown command untouched":  {in: "fleet nosuch x -f y", want: "fleet nosuch x -f y"},
		"help becomes --help":        {in: "fleet help state list", want: "fleet state list --help"},
	}
	cmds := commands(&Streams{})
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got := hoistFlags(cmds, helpAsFlag(strings.Fields(tt.in)))
			if want := strings.Fields(tt.want); !slices.Equal(got, want) {
				t.Errorf("got %q want %q", got, want)
			}
		})
	}
}
