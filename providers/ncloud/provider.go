package ncloud

import (
	"errors"
	"fmt"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/backoff"
	"github.com/fleet-iac/fleet/providers"
)

var _ providers.Provider = (*Provider)(nil)

// Provider is the NCP (VPC) provider of one account and region.
type Provider struct {
	c      *client
	poller *poller
	lists  *lists
}

// New checks cfg, fills its defaults and returns a provider. It makes no call.
func New(cfg Config) (*Provider, error) {
	if cfg.AccessKey == "" || cfg.SecretKey == "" {
		return nil, errors.New("ncloud: credentials missing: set NCLOUD_ACCESS_KEY and NCLOUD_SECRET_KEY")
	}
	cfg = cfg.withDefaults()
	c := newClient(cfg)
	if _, err := parseEndpoint(cfg.Endpoint); err != nil {
		return nil, err
	}
	return &Provider{c: c, poller: newPoller(c, cfg.PollInterval), lists: newLists(c)}, nil
}

// Calls returns the number of HTTP calls made so far, retries included.
func (p *Provider) Calls() int { return int(p.c.calls.Load()) }

// notFound is the error for a resource the cloud does not list.
func notFound(kind addrs.Kind, id, addr string) error {
	what := fmt.Sprintf("ncloud %s %s", kind, id)
	if addr != "" {
		what = addr + ": " + what
	}
	return fmt.Errorf("%s: %w", what, providers.ErrNotFound)
}

// conflict is the error for an action the resource's state does not allow.
func conflict(addr, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if addr != "" {
		msg = addr + ": " + msg
	}
	return fmt.Errorf("ncloud: %s: %w", msg, providers.ErrConflict)
}

// Close stops the shared poller; waits in progress end with an error.
func (p *Provider) Close() error {
	p.poller.bp.Close()
	return nil
}

// Budget returns the account's adaptive request budget, shared by every
// provider of the account in this process.
func (p *Provider) Budget() *backoff.Budget { return p.c.budget }

var _ providers.Coalescer = (*Provider)(nil)

// ListSize is how many servers one of the provider's list calls names.
func (p *Provider) ListSize() int { return listSize }
