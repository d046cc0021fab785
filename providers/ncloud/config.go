package ncloud

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultEndpoint is the public-site API gateway root.
const DefaultEndpoint = "https://ncloud.apigw.ntruss.com"

// Defaults applied by New to zero Config fields.
const (
	DefaultPollInterval = 3 * time.Second // terraform's first refresh interval
	DefaultMaxRetries   = 6
	DefaultRetryWait    = 500 * time.Millisecond
	DefaultRegion       = "KR"
)

// Config configures one NCP provider: one account, one region.
type Config struct {
	Region    string // regionCode sent on every call; default KR
	Endpoint  string // API gateway root; /vserver/v2 is appended. Default DefaultEndpoint
	AccessKey string
	SecretKey string

	HTTPClient *http.Client // default: a client with a 60 s timeout
	// Logger receives one debug record per call: method, path, status,
	// duration, request id. Never a key, a signature or a form body.
	Logger *slog.Logger

	PollInterval time.Duration // shared poller interval
	// RequestsPerSecond caps the account's adaptive request budget
	// (backoff.Budget); 0: no cap, the budget finds the cloud's limit.
	RequestsPerSecond float64
	MaxRetries        int           // retries after the first attempt; negative disables them
	RetryWait         time.Duration // first backoff; doubles per attempt, with jitter
	// MaxInFlight bounds the HTTP calls in flight at once, polls included
	// (fleet apply --parallelism); 0 means no bound.
	MaxInFlight int

	Clock func() time.Time // signing timestamps; default time.Now
}

// ConfigFromEnv reads credentials and the gateway override the way the NCP
// SDK does: NCLOUD_ACCESS_KEY_ID or NCLOUD_ACCESS_KEY, NCLOUD_SECRET_ACCESS_KEY
// or NCLOUD_SECRET_KEY, and NCLOUD_API_GW for the endpoint.
func ConfigFromEnv(getenv func(string) string) Config {
	first := func(names ...string) string {
		for _, n := range names {
			if v := strings.TrimSpace(getenv(n)); v != "" {
				return v
			}
		}
		return ""
	}
	return Config{
		AccessKey: first("NCLOUD_ACCESS_KEY_ID", "NCLOUD_ACCESS_KEY"),
		SecretKey: first("NCLOUD_SECRET_ACCESS_KEY", "NCLOUD_SECRET_KEY"),
		Endpoint:  first("NCLOUD_API_GW"),
	}
}

func (c Config) withDefaults() Config {
	if c.Region == "" {
		c.Region = DefaultRegion
	}
	if c.Endpoint == "" {
		c.Endpoint = DefaultEndpoint
	}
	c.Endpoint = strings.TrimRight(c.Endpoint, "/")
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: 60 * time.Second}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.PollInterval <= 0 {
		c.PollInterval = DefaultPollInterval
	}
	c.RequestsPerSecond = max(c.RequestsPerSecond, 0)
	if c.MaxRetries == 0 {
		c.MaxRetries = DefaultMaxRetries
	}
	if c.MaxRetries < 0 {
		c.MaxRetries = 0
	}
	if c.RetryWait <= 0 {
		c.RetryWait = DefaultRetryWait
	}
	if c.Clock == nil {
		c.Clock = time.Now
	}
	return c
}

// parseEndpoint checks that the gateway root is an absolute http(s) URL.
func parseEndpoint(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("ncloud: endpoint %q: want an http(s) URL such as %s", s, DefaultEndpoint)
	}
	return u, nil
}
