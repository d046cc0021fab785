package nhncloud

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack"

	"github.com/fleet-iac/fleet/backoff"
	"github.com/fleet-iac/fleet/providers"
)

var _ providers.Provider = (*Provider)(nil)

// Provider is fleet's client for one NHN Cloud tenant and region.
type Provider struct {
	cfg     Config
	tr      *transport
	retry   *retrier
	compute *gophercloud.ServiceClient
	volume  *gophercloud.ServiceClient
	image   *gophercloud.ServiceClient
	network *gophercloud.ServiceClient // nil when the catalog lists no network endpoint: subnets go unchecked and undiscovered

	flavorMu sync.Mutex
	flavors  []flavor // cached flavors/detail, refreshed when a name or id is unknown

	poll        *backoff.Poller[waitReq, providers.WaitResponse]
	transitions providers.Transitions // what each wait waits for, for poll to learn its pace
}

// New authenticates against Keystone v2.0 and finds the compute, volumev2
// and image endpoints of cfg.Region in the catalog. It sends the token
// request and, for the versionless image endpoint, gophercloud's version
// discovery; nothing else.
func New(ctx context.Context, cfg Config) (*Provider, error) {
	cfg = cfg.withDefaults()
	for _, v := range []struct{ name, value string }{
		{"OS_USERNAME", cfg.Username}, {"OS_PASSWORD", cfg.Password}, {"OS_TENANT_ID", cfg.TenantID},
	} {
		if v.value == "" {
			return nil, fmt.Errorf("nhncloud: %s is not set", v.name)
		}
	}
	if !strings.HasSuffix(strings.TrimSuffix(cfg.AuthURL, "/"), "/v2.0") {
		return nil, fmt.Errorf("nhncloud: auth url %q must end in /v2.0 (Keystone v2.0)", cfg.AuthURL)
	}
	p := &Provider{cfg: cfg, retry: newRetrier(cfg.MaxRetries)}
	base := cfg.HTTPClient.Transport
	budget := backoff.SharedBudget("nhncloud "+cfg.AuthURL+" "+cfg.TenantID+" "+cfg.Username, "nhncloud "+cfg.Region, cfg.RequestsPerSecond, cfg.Logger)
	p.tr = newTransport(base, budget, cfg.MaxInFlight, cfg.Logger)
	hc := *cfg.HTTPClient
	hc.Transport = p.tr

	pc, err := openstack.NewClient(cfg.AuthURL)
	if err != nil {
		return nil, fmt.Errorf("nhncloud: auth url: %w", err)
	}
	pc.HTTPClient = hc
	pc.RetryBackoffFunc = p.retry.onThrottle
	pc.MaxBackoffRetries = backoff.ThrottleRetries
	pc.RetryFunc = p.retry.onFailure
	opts := gophercloud.AuthOptions{
		IdentityEndpoint: cfg.AuthURL,
		Username:         cfg.Username,
		Password:         cfg.Password,
		TenantID:         cfg.TenantID,
		AllowReauth:      true, // tokens are re-issued on the 401 that follows expiry
	}
	if err := openstack.Authenticate(ctx, pc, opts); err != nil {
		return nil, apiError("POST /tokens", "", err)
	}
	eo := gophercloud.EndpointOpts{Region: cfg.Region} // NHN lists KR2 before KR1
	if p.compute, err = openstack.NewComputeV2(pc, eo); err != nil {
		return nil, fmt.Errorf("nhncloud: compute endpoint for region %s: %w", cfg.Region, err)
	}
	if p.volume, err = openstack.NewBlockStorageV2(pc, eo); err != nil {
		return nil, fmt.Errorf("nhncloud: volumev2 endpoint for region %s: %w", cfg.Region, err)
	}
	// The image and network endpoints are versionless: each is found with
	// one discovery call, both at once.
	var imageErr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		p.image, imageErr = openstack.NewImageV2(pc, eo)
	}()
	if nc, err := openstack.NewNetworkV2(pc, eo); err == nil {
		p.network = nc // only read: the plan's fixed-IP check and import --discover
	}
	wg.Wait()
	if imageErr != nil {
		return nil, fmt.Errorf("nhncloud: image endpoint for region %s: %w", cfg.Region, imageErr)
	}
	p.poll = newPoller(p, cfg.PollInterval)
	return p, nil
}

// Calls returns the number of HTTP requests sent so far, retries and token
// requests included.
func (p *Provider) Calls() int { return int(p.tr.calls.Load()) }

// Close stops the shared poller. Waits in progress end with an error.
func (p *Provider) Close() error {
	p.poll.Close()
	return nil
}

// Budget returns the tenant's adaptive request budget, shared by every
// provider of the tenant in this process.
func (p *Provider) Budget() *backoff.Budget { return p.tr.budget }
