package command

import "github.com/fleet-iac/fleet/providers"

// batchers are the providers whose cloud creates several servers in one
// call: the planner decides the batches, so that the plan lists every call
// apply makes.
func (ws *workspace) batchers() map[string]providers.ServerBatchSizer {
	out := map[string]providers.ServerBatchSizer{}
	for name, p := range ws.providers {
		if b, ok := p.(providers.ServerBatcher); ok {
			out[name] = b
		}
	}
	return out
}
