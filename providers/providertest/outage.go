package providertest

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/providers/simcore"
)

// Refuser is an http.RoundTripper that, while refusing, fails every request
// the way a cloud endpoint that is down does: connection refused. Harnesses
// put it under their client and hand Env.Refuse its Set.
type Refuser struct {
	Base    http.RoundTripper // nil: http.DefaultTransport
	refused atomic.Bool
}

// Set starts (true) or ends (false) refusing connections.
func (r *Refuser) Set(on bool) { r.refused.Store(on) }

func (r *Refuser) RoundTrip(req *http.Request) (*http.Response, error) {
	if r.refused.Load() {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	}
	base := r.Base
	if base == nil {
		base = http.DefaultTransport
	}
	return base.RoundTrip(req)
}

// outage is one way the cloud can be down.
type outage struct {
	name  string
	start func(Env)
	end   func(Env)
}

var outages = []outage{
	{"5xx", func(e Env) { e.SetBehaviour(simcore.Behaviour{ErrorRate: 1}) }, func(e Env) { e.SetBehaviour(simcore.Behaviour{}) }},
	{"429", func(e Env) { e.SetBehaviour(simcore.Behaviour{ThrottleRate: 1}) }, func(e Env) { e.SetBehaviour(simcore.Behaviour{}) }},
	{"refused", func(e Env) { e.Refuse(true) }, func(e Env) { e.Refuse(false) }},
}

// outageLength stands for a long outage (the 30 s) scaled to the
// simulators' build times: many poll rounds fail in a row.
const outageLength = 1500 * time.Millisecond

// testOutage: while a server builds the API fails every call (5xx, 429 or
// refused connections). The wait keeps going and succeeds once the API is
// back; a wait whose own limit passes during the outage fails naming the
// address and the last error. Both clients behave alike.
func testOutage(o outage) func(t *testing.T, ctx context.Context, e Env) {
	return func(t *testing.T, ctx context.Context, e Env) {
		if o.name == "refused" && e.Refuse == nil {
			t.Skip("the harness cannot refuse connections")
		}
		s := e.Server("pt-outage")
		res, err := e.Provider.Create(ctx, providers.CreateRequest{Owner: owner(e, s), Server: &providers.ServerCreate{Spec: providers.NewServerSpec(s)}})
		if err != nil {
			t.Fatalf("create: %v", err)
		}
		req := providers.WaitRequest{Kind: addrs.KindServer, ID: res.ID, Address: s.Address().String(), Target: providers.TargetRunning}

		o.start(e)
		done := make(chan error, 1)
		go func() {
			_, err := e.Provider.Wait(ctx, req)
			done <- err
		}()
		select {
		case err := <-done:
			o.end(e)
			t.Fatalf("wait ended during the outage: %v", err)
		case <-time.After(outageLength):
		}
		o.end(e)
		if err := <-done; err != nil {
			t.Fatalf("wait after a %s outage: %v", o.name, err)
		}

		// Past the wait limit: the same failure from both clients.
		o.start(e)
		lctx, cancel := context.WithTimeout(ctx, 600*time.Millisecond)
		_, err = e.Provider.Wait(lctx, providers.WaitRequest{Kind: addrs.KindServer, ID: res.ID, Address: s.Address().String(), Target: providers.TargetStopped})
		cancel()
		o.end(e)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("wait past its limit in a %s outage = %v, want context.DeadlineExceeded", o.name, err)
		}
		for _, want := range []string{s.Address().String(), "last error"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("wait past its limit: %q does not say %q", err, want)
			}
		}
		del(t, ctx, e, addrs.KindServer, res.ID, s.Address().String())
	}
}
