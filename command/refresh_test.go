package command

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
	"github.com/fleet-iac/fleet/state"
)

// gatedBackend is a state backend whose Read waits for gate (or fails
// with err at once).
type gatedBackend struct {
	state.Backend
	gate <-chan struct{}
	st   *state.State
	err  error
	late bool // err comes once the gate opens, not at once
}

func (b *gatedBackend) Read(ctx context.Context) (*state.State, error) {
	if b.err != nil && !b.late {
		return nil, b.err
	}
	select {
	case <-b.gate:
		if b.late {
			// fail after a list has failed and cancelled what it could
			select {
			case <-ctx.Done():
			case <-time.After(100 * time.Millisecond):
			}
		}
		return b.st, b.err
	case <-time.After(10 * time.Second):
		return nil, errors.New("the state was read before any list went out")
	}
}

// listingProvider answers Inventory with a server per resource the state
// records; listed is closed when its lists go out. With block it waits
// for the context to end instead.
type listingProvider struct {
	providers.Provider
	listed chan struct{}
	block  bool
	err    error // returned at once
}

func (p *listingProvider) Inventory(ctx context.Context, req providers.InventoryRequest) (providers.InventoryResponse, error) {
	close(p.listed)
	if p.err != nil {
		return providers.InventoryResponse{}, p.err
	}
	if p.block {
		<-ctx.Done()
		return providers.InventoryResponse{}, ctx.Err()
	}
	var resp providers.InventoryResponse
	for _, k := range req.KnownNow() {
		resp.Servers = append(resp.Servers, providers.Server{ID: k.ID})
	}
	return resp, nil
}

// TestReadAndRefresh: plan's lists go out before its state is read, the
// providers still pick out the resources the state records, and a failed
// read cancels the lists and is the error, also when a list failed first
// (as when the state was read before the lists).
func TestReadAndRefresh(t *testing.T) {
	recorded := &state.State{Serial: 4, Resources: []state.Resource{
		{Address: addrs.Server("web"), Kind: addrs.KindServer, Provider: "ncp", ID: "101"},
		{Address: addrs.Server("db"), Kind: addrs.KindServer, Provider: "nhn", ID: "202"},
	}}
	readFailed := errors.New("disk on fire")
	listFailed := errors.New("cloud down")
	tests := []struct {
		name    string
		refresh bool
		readErr error
		late    bool
		block   bool
		listErr error
		wantIDs map[string][]string // provider → server ids
		wantErr error
	}{
		{name: "lists before the state", refresh: true, wantIDs: map[string][]string{"ncp": {"101"}, "nhn": {"202"}}},
		{name: "no refresh reads only the state", refresh: false},
		{name: "a failed read cancels the lists", refresh: true, readErr: readFailed, block: true, wantErr: readFailed},
		{name: "a failed read wins over a list that failed first", refresh: true, readErr: readFailed, late: true,
			listErr: errors.New("cloud down"), wantErr: readFailed},
		{name: "a failed list is the error when the read succeeds", refresh: true, listErr: listFailed, wantErr: listFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ncp := &listingProvider{listed: make(chan struct{}), block: tt.block, err: tt.listErr}
			nhn := &listingProvider{listed: make(chan struct{}), block: tt.block, err: tt.listErr}
			gate := make(chan struct{})
			go func() {
				if tt.refresh {
					<-ncp.listed
					<-nhn.listed
				}
				close(gate)
			}()
			ws := &workspace{
				fleet:     &spec.Fleet{Name: "shop"},
				backend:   &gatedBackend{gate: gate, st: recorded, err: tt.readErr, late: tt.late},
				providers: map[string]providers.Provider{"ncp": ncp, "nhn": nhn},
			}
			st, inv, err := ws.readAndRefresh(context.Background(), tt.refresh)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("error %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if st != recorded {
				t.Errorf("state %+v, want the recorded one", st)
			}
			if !tt.refresh {
				if inv != nil {
					t.Errorf("inventory %v without refresh", inv)
				}
				return
			}
			for name, want := range tt.wantIDs {
				var got []string
				for _, s := range inv[name].Servers {
					got = append(got, s.ID)
				}
				if !slices.Equal(got, want) {
					t.Errorf("%s: servers %v, want %v", name, got, want)
				}
			}
		})
	}
}
