package nhncloud

import (
	"log/slog"
	"net/http"
	"time"
)

// DefaultAuthURL is NHN Cloud's public Keystone v2.0 endpoint.
const DefaultAuthURL = "https://api-identity-infrastructure.nhncloudservice.com/v2.0"

// Config is what New needs to talk to one NHN Cloud tenant in one region.
// Credentials come from the environment (ConfigFromEnv) and are never
// logged or put into errors.
type Config struct {
	AuthURL  string // OS_AUTH_URL; must end in /v2.0 so gophercloud skips version discovery
	Username string // OS_USERNAME: NHN Cloud ID (email) or IAM member id
	Password string // OS_PASSWORD: the API password, not the console password
	TenantID string // OS_TENANT_ID
	Region   string // OS_REGION_NAME: KR1, KR2, ...; always used to pick catalog endpoints

	HTTPClient   *http.Client  // default: a client with a 60s timeout
	Logger       *slog.Logger  // debug level: one line per API call; nil logs nothing
	PollInterval time.Duration // shared poller interval; default 2s

	// RequestsPerSecond caps the tenant's adaptive request budget
	// (backoff.Budget); 0: no cap, the budget finds the cloud's limit.
	RequestsPerSecond float64
	MaxRetries        int // retries of a retryable failure; 0 means 5, negative means none
	// MaxInFlight bounds the HTTP calls in flight at once, polls and token
	// requests included (fleet apply --parallelism); 0 means no bound.
	MaxInFlight int
}

// Defaults for the zero values of Config.
const (
	DefaultRegion       = "KR1"
	DefaultPollInterval = 2 * time.Second
	DefaultMaxRetries   = 5
	defaultHTTPTimeout  = 60 * time.Second
)

// ConfigFromEnv reads the OpenStack variables NHN's own tools use.
func ConfigFromEnv(getenv func(string) string) Config {
	return Config{
		AuthURL:  getenv("OS_AUTH_URL"),
		Username: getenv("OS_USERNAME"),
		Password: getenv("OS_PASSWORD"),
		TenantID: getenv("OS_TENANT_ID"),
		Region:   getenv("OS_REGION_NAME"),
	}
}

func (c Config) withDefaults() Config {
	if c.AuthURL == "" {
		c.AuthURL = DefaultAuthURL
	}
	if c.Region == "" {
		c.Region = DefaultRegion
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: defaultHTTPTimeout}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.PollInterval <= 0 {
		c.PollInterval = DefaultPollInterval
	}
	c.RequestsPerSecond = max(c.RequestsPerSecond, 0)
	if c.MaxRetries < 0 {
		c.MaxRetries = 0
	} else if c.MaxRetries == 0 {
		c.MaxRetries = DefaultMaxRetries
	}
	return c
}
