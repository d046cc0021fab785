package command

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/urfave/cli/v2"
	"golang.org/x/sync/errgroup"

	"github.com/fleet-iac/fleet/planner"
	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/providers/ncloud"
	"github.com/fleet-iac/fleet/providers/nhncloud"
	"github.com/fleet-iac/fleet/providers/sim"
	"github.com/fleet-iac/fleet/spec"
	"github.com/fleet-iac/fleet/state"
)

// workspace is what most commands need: the loaded fleet, its state
// backend, and (when asked for) a client per provider.
type workspace struct {
	io        *Streams
	ui        ui
	fleet     *spec.Fleet
	sources   map[string][]byte
	backend   state.Backend
	providers map[string]providers.Provider
	embedded  *sim.Server // the in-process simulator, when a provider uses endpoint: embedded
	logger    *slog.Logger
	// operation names the run in messages and its tally: "" (apply),
	// destroy or reboot.
	operation string

	// fileArgs are the -f flags as given, for the commands hints name.
	fileArgs []string
	// machineOutput is set when stdout carries JSON or markdown: nothing
	// for people goes there.
	machineOutput bool
	// failedPlan is the plan whose building failed (blocked actions), kept
	// for the machine document that reports the failure; nil otherwise.
	failedPlan *planner.Plan
	// maxInFlight bounds each provider's HTTP calls in flight (apply's
	// --parallelism); 0: no bound.
	maxInFlight int
	// lockTimeout is how long to wait for the embedded simulator's data
	// lock held by another run (--lock-timeout), like the state lock.
	lockTimeout time.Duration
	interrupts  *interrupts // apply and destroy: the two-step stop
	abandoned   bool        // a second interrupt: close without waiting
}

// op names the run in messages: apply, destroy or reboot.
func (ws *workspace) op() string {
	if ws.operation == "" {
		return "apply"
	}
	return ws.operation
}

// loadFleet loads and checks the fleet files, printing diagnostics. It
// returns exitCode(1) after printing when the files are invalid. With
// stateOnly the caller needs only the fleet's name and state block: an
// unset ${VAR} anywhere else is no obstacle and goes unmentioned.
func loadFleet(io *Streams, u ui, files []string, stateOnly bool) (*spec.Fleet, map[string][]byte, error) {
	if len(files) == 0 {
		files = []string{defaultFleetFile}
	}
	res := spec.Load(files, spec.LoadOptions{UnsetVarWarns: stateOnly, Vars: io.vars})
	if stateOnly {
		res.Diagnostics = stateOnlyDiagnostics(res.Diagnostics, res.Unset)
	}
	if len(res.Diagnostics) > 0 {
		io.report(res.Diagnostics, res.Sources, u.style)
	}
	if res.Diagnostics.HasErrors() {
		return nil, nil, exitCode(ExitError)
	}
	io.fleet = res.Fleet.Name
	return res.Fleet, res.Sources, nil
}

// stateOnlyDiagnostics drops the unset-variable warnings of fields that
// do not say where the state is, and makes the others errors again.
func stateOnlyDiagnostics(diags, unset spec.Diagnostics) spec.Diagnostics {
	out := diags[:0:0]
	for _, d := range diags {
		if !slices.ContainsFunc(unset, func(u spec.Diagnostic) bool { return u.Path == d.Path && u.Summary == d.Summary }) {
			out = append(out, d)
			continue
		}
		if d.Path == "/name" || strings.HasPrefix(d.Path, "/state") {
			d.Severity = spec.SeverityError
			d.Detail = "The state's location depends on it. Set it and run again."
			out = append(out, d)
		}
	}
	return out
}

const defaultFleetFile = "fleet.yaml"

// embeddedPollInterval matches the embedded simulator's fast transitions;
// against a real cloud the providers' own defaults apply.
const embeddedPollInterval = 250 * time.Millisecond

// openWorkspace loads the fleet and opens its state backend. With the
// command's flags (nil: no providers) it also starts the embedded
// simulator if needed and builds one client per provider, bounded by the
// run's --parallelism (calls in flight, polls included) and --lock-timeout
// (also the embedded simulator's data lock); a command without a flag gets 0.
func openWorkspace(ctx context.Context, io *Streams, u ui, files []string, flags *cli.Context) (*workspace, error) {
	return openWorkspaceFor(ctx, io, u, files, flags, false)
}

// openStateWorkspace is openWorkspace for commands that only read or
// write the state (show, state, unlock): they need none of the variables
// the fleet file reads, except those that place the state.
func openStateWorkspace(ctx context.Context, io *Streams, u ui, files []string) (*workspace, error) {
	return openWorkspaceFor(ctx, io, u, files, nil, true)
}

func openWorkspaceFor(ctx context.Context, io *Streams, u ui, files []string, flags *cli.Context, stateOnly bool) (*workspace, error) {
	fleet, sources, err := loadFleet(io, u, files, stateOnly)
	if err != nil {
		return nil, err
	}
	ws := &workspace{io: io, ui: u, fleet: fleet, sources: sources, logger: newLogger(io), fileArgs: files}
	if ws.backend, err = openBackend(ctx, fleet); err != nil {
		return nil, err
	}
	if flags != nil {
		ws.maxInFlight = flags.Int("parallelism")
		ws.lockTimeout = flags.Duration("lock-timeout")
		if err := ws.openProviders(ctx); err != nil {
			ws.Close()
			return nil, err
		}
	}
	return ws, nil
}

// Close stops the providers' pollers, the embedded simulator, and closes
// the backend.
func (ws *workspace) Close() {
	for _, p := range ws.providers {
		if c, ok := p.(interface{ Close() error }); ok {
			c.Close()
		}
	}
	if ws.embedded != nil {
		if ws.abandoned {
			ws.embedded.CloseNow() // its calls in flight are abandoned too
		} else {
			ws.embedded.Close()
		}
	}
	if c, ok := ws.backend.(interface{ Close() }); ok {
		c.Close()
	}
}

func openBackend(ctx context.Context, fleet *spec.Fleet) (state.Backend, error) {
	switch fleet.State.Backend {
	case "", "local":
		return state.NewLocal(fleet.State.Path), nil
	case "postgres":
		dsn := fleet.State.DSN
		if dsn == "" {
			dsn = getenv("FLEET_PG_DSN")
		}
		if dsn == "" {
			return nil, userError("no PostgreSQL connection string",
				"The state block says backend: postgres. Set FLEET_PG_DSN (or state.dsn: ${VAR}) to a PostgreSQL connection string.")
		}
		return state.NewPostgresKey(ctx, dsn, fleet.State.Key, fleet.Name)
	default:
		return nil, fmt.Errorf("unknown state backend %q", fleet.State.Backend)
	}
}

// simDir is where the embedded simulator keeps its data: .fleet/sim beside
// the fleet file.
func (ws *workspace) simDir() string {
	base := "."
	if len(ws.fleet.Files) > 0 {
		base = filepath.Dir(ws.fleet.Files[0])
	}
	return filepath.Join(base, ".fleet", "sim")
}

func (ws *workspace) openProviders(ctx context.Context) error {
	ws.providers = map[string]providers.Provider{}
	// Every provider's settings are read before any is opened, so that all
	// missing credentials are reported at once and nothing is contacted.
	openers := map[string]func(context.Context) (providers.Provider, error){}
	var missing []*userErr
	for _, name := range ws.fleet.ProviderNames() {
		p := ws.fleet.Providers[name]
		if p.Endpoint == spec.EndpointEmbedded && ws.embedded == nil {
			s, err := sim.Start(sim.Config{Dir: ws.simDir(), Behaviour: embeddedBehaviour(ws.io.Err), LockTimeout: ws.lockTimeout, Context: ctx})
			if err != nil {
				return fmt.Errorf("start embedded simulator: %w", err)
			}
			ws.embedded = s
		}
		open, err := ws.configureProvider(p)
		var ue *userErr
		switch {
		case errors.As(err, &ue):
			missing = append(missing, ue)
		case err != nil:
			return err
		default:
			openers[name] = open
		}
	}
	switch len(missing) {
	case 0:
	case 1:
		return missing[0]
	default:
		summaries := make([]string, len(missing))
		details := make([]string, len(missing))
		for i, ue := range missing {
			summaries[i], details[i] = ue.summary, ue.detail
		}
		return userError(strings.Join(summaries, "; "), strings.Join(details, "\n"))
	}
	for _, name := range ws.fleet.ProviderNames() {
		prov, err := openers[name](ctx)
		if err != nil {
			return err
		}
		ws.providers[name] = prov
	}
	return nil
}

// configureProvider reads p's settings and credentials and returns what
// opens it; a missing credential is a *userErr.
func (ws *workspace) configureProvider(p *spec.Provider) (func(context.Context) (providers.Provider, error), error) {
	switch p.Type {
	case spec.ProviderNCloud:
		cfg := ncloud.ConfigFromEnv(getenv)
		cfg.Region = p.Region
		cfg.Logger = ws.logger
		cfg.MaxInFlight = ws.maxInFlight
		cfg.RequestsPerSecond = p.RequestsPerSecond
		switch p.Endpoint {
		case spec.EndpointEmbedded:
			cfg.Endpoint = ws.embedded.URL
			cfg.AccessKey, cfg.SecretKey = ws.embedded.NCP.Credentials()
			cfg.PollInterval = embeddedPollInterval
		case "":
		default:
			cfg.Endpoint = p.Endpoint
		}
		if cfg.AccessKey == "" || cfg.SecretKey == "" {
			return nil, userError(fmt.Sprintf("no NCP credentials for provider %q", p.Name),
				"Set NCLOUD_ACCESS_KEY and NCLOUD_SECRET_KEY, or use endpoint: embedded to try fleet against the simulator.")
		}
		return func(context.Context) (providers.Provider, error) { return ncloud.New(cfg) }, nil
	case spec.ProviderNHNCloud:
		cfg := nhncloud.ConfigFromEnv(getenv)
		if p.Region != "" {
			cfg.Region = p.Region
		}
		if p.Tenant != "" {
			cfg.TenantID = p.Tenant
		}
		cfg.Logger = ws.logger
		cfg.MaxInFlight = ws.maxInFlight
		cfg.RequestsPerSecond = p.RequestsPerSecond
		switch p.Endpoint {
		case spec.EndpointEmbedded:
			cfg.AuthURL = ws.embedded.NHN.AuthURL(ws.embedded.URL)
			cfg.Username, cfg.Password, cfg.TenantID = ws.embedded.NHN.Credentials()
			cfg.PollInterval = embeddedPollInterval
		case "":
		default:
			cfg.AuthURL = p.Endpoint
		}
		if cfg.Username == "" || cfg.Password == "" || cfg.TenantID == "" {
			return nil, userError(fmt.Sprintf("no NHN Cloud credentials for provider %q", p.Name),
				"Set OS_USERNAME, OS_PASSWORD (the API password) and OS_TENANT_ID, or use endpoint: embedded to try fleet against the simulator.")
		}
		return func(ctx context.Context) (providers.Provider, error) { return nhncloud.New(ctx, cfg) }, nil
	default:
		return nil, fmt.Errorf("provider %q: unknown type %q", p.Name, p.Type)
	}
}

// refresh reads every provider's owned inventory, concurrently, including
// the resources the state records (imported ones carry no tag).
func (ws *workspace) refresh(ctx context.Context, st *state.State) (map[string]providers.InventoryResponse, error) {
	known := knownByProvider(st)
	return ws.inventories(ctx, func(name string, req *providers.InventoryRequest) { req.Known = known[name] })
}

// readAndRefresh reads the state and, with refresh, every provider's
// inventory at the same time: the lists go out first and the state is read
// while they are out (decoding a 10,000-server state took a tenth of a
// second before any list could start). The providers pick the resources
// the state records out of their pages once both are in. A failed read
// cancels the lists and is the error returned, whatever the lists did: the
// state was read before the lists, and its problems (a newer format, a
// broken file) are what to fix first. A failed list does not cancel the
// read, which would turn it into a "context canceled".
func (ws *workspace) readAndRefresh(ctx context.Context, refresh bool) (*state.State, map[string]providers.InventoryResponse, error) {
	if !refresh {
		st, err := ws.readState(ctx)
		return st, nil, err
	}
	var (
		st      *state.State
		readErr error
	)
	read := make(chan struct{})
	lctx, cancelLists := context.WithCancel(ctx)
	defer cancelLists()
	go func() {
		defer close(read)
		if st, readErr = ws.readState(ctx); readErr != nil {
			cancelLists()
		}
	}()
	known := sync.OnceValue(func() map[string][]providers.Known {
		<-read
		return knownByProvider(st)
	})
	inv, err := ws.inventories(lctx, func(name string, req *providers.InventoryRequest) {
		req.KnownLater = func() []providers.Known { return known()[name] }
	})
	<-read
	if readErr != nil {
		return nil, nil, readErr
	}
	if err != nil {
		return nil, nil, err
	}
	return st, inv, nil
}

// readState reads the state from the backend.
func (ws *workspace) readState(ctx context.Context) (*state.State, error) {
	st, err := ws.backend.Read(ctx)
	if err != nil {
		return nil, fmt.Errorf("read state: %w", err)
	}
	return st, nil
}

// knownByProvider lists the resources st records by provider name.
func knownByProvider(st *state.State) map[string][]providers.Known {
	known := map[string][]providers.Known{}
	if st != nil {
		for _, r := range st.Resources {
			known[r.Provider] = append(known[r.Provider], providers.Known{Kind: r.Kind, ID: r.ID})
		}
	}
	return known
}

// inventories asks every provider for its inventory, concurrently, with
// the request known completes for each.
func (ws *workspace) inventories(ctx context.Context, known func(name string, req *providers.InventoryRequest)) (map[string]providers.InventoryResponse, error) {
	names := make([]string, 0, len(ws.providers))
	for n := range ws.providers {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]providers.InventoryResponse, len(names))
	g, gctx := errgroup.WithContext(ctx)
	for i, n := range names {
		g.Go(func() error {
			req := providers.InventoryRequest{Fleet: ws.fleet.Name, Catalog: true, CatalogNames: ws.fleet.NamesNetworks(n)}
			known(n, &req)
			inv, err := ws.providers[n].Inventory(gctx, req)
			if err != nil {
				return fmt.Errorf("refresh provider %q: %w", n, err)
			}
			out[i] = inv
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	inv := make(map[string]providers.InventoryResponse, len(names))
	for i, n := range names {
		inv[n] = out[i]
	}
	return inv, nil
}

func newLogger(io *Streams) *slog.Logger {
	level := strings.ToLower(getenv("FLEET_LOG"))
	if level != "debug" && level != "info" {
		return slog.New(slog.DiscardHandler)
	}
	lv := slog.LevelInfo
	if level == "debug" {
		lv = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(io.Err, &slog.HandlerOptions{Level: lv}))
}
