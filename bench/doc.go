// Package bench holds fleet's end-to-end benchmarks: whole commands' work
// (load, refresh through a real provider client, plan) against the
// simulators over loopback HTTP, with the simulators' own call counters as
// the measure of API cost. It has no non-test code.
package bench
