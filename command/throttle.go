package command

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/fleet-iac/fleet/backoff"
	"github.com/fleet-iac/fleet/providers"
)

// budgeted is a provider with an adaptive request budget.
type budgeted interface {
	Budget() *backoff.Budget
}

// reportThrottling says, after an apply or destroy, which accounts' clouds
// answered 429 and so slowed the run: one line per budget, naming the
// providers that share it. Nothing when no cloud throttled.
func reportThrottling(w io.Writer, provs map[string]providers.Provider) {
	names := map[*backoff.Budget][]string{}
	for name, p := range provs {
		if b, ok := p.(budgeted); ok {
			names[b.Budget()] = append(names[b.Budget()], name)
		}
	}
	var lines []string
	for b, ns := range names {
		s := b.Stats()
		if s.Throttled == 0 {
			continue
		}
		sort.Strings(ns)
		lines = append(lines, fmt.Sprintf("Throttled: the cloud of provider %s answered 429 (too many requests) to %d of %d calls; fleet slowed to %.1f calls a second.",
			strings.Join(ns, ", "), s.Throttled, s.Calls, s.Rate))
	}
	sort.Strings(lines)
	for _, l := range lines {
		fmt.Fprintln(w, l)
	}
}
