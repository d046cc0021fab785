package command

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/fleet-iac/fleet/providers/sim"
	"github.com/fleet-iac/fleet/providers/simcore"
)

func simFlags() []cli.Flag {
	return []cli.Flag{
		&cli.DurationFlag{Name: "latency", Usage: "added to every API call, e.g. 100ms", Action: nonNegativeDuration("latency")},
		&cli.DurationFlag{Name: "build-time", Usage: "how long a server takes to come up; other transitions scale with it (default 200ms)", Action: nonNegativeDuration("build-time")},
		&cli.Float64Flag{Name: "error-rate", Usage: "share of calls answered with a 5xx, e.g. 0.1", Action: share("error-rate")},
		&cli.Float64Flag{Name: "throttle-rate", Usage: "share of calls answered with a 429, e.g. 0.05", Action: share("throttle-rate")},
		&cli.Float64Flag{Name: "rate-limit", Usage: "requests per second per cloud before 429 (0: none)", Action: nonNegative("rate-limit")},
		&cli.Int64Flag{Name: "seed", Usage: "seed of the fault injection"},
	}
}

func behaviourFrom(c *cli.Context) simcore.Behaviour {
	return simcore.Behaviour{
		Latency:      c.Duration("latency"),
		BuildTime:    c.Duration("build-time"),
		ErrorRate:    c.Float64("error-rate"),
		ThrottleRate: c.Float64("throttle-rate"),
		RateLimit:    c.Float64("rate-limit"),
		Seed:         c.Int64("seed"),
	}
}

func simCommand(s *Streams) *cli.Command {
	return &cli.Command{
		Name:   "sim",
		Before: noArguments,
		Usage:  "run the local simulators of NCP and NHN Cloud",
		Description: `Serves both clouds' APIs on one loopback port until interrupted: the NCP API
gateway at the root, NHN Cloud under /nhn, and the admin API under /_sim
(GET stats, POST stats/reset, GET|POST behaviour, GET timeline).
--env-file writes the variables that point fleet and the clouds' tools at it:
    set -a; . ./sim.env; set +a`,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "addr", Value: "127.0.0.1:0", Usage: "listen address (loopback; port 0 picks a free one)"},
			&cli.StringFlag{Name: "data", Usage: "keep the simulated clouds' data in this directory (default: memory only)"},
			&cli.StringFlag{Name: "env-file", Usage: "write the endpoints, credentials and fixture ids to this file"},
			&cli.DurationFlag{Name: "lock-timeout", Usage: "how long to wait for the --data directory held by another simulator or run", Action: nonNegativeDuration("lock-timeout")},
		}, simFlags()...),
		Action: func(c *cli.Context) error {
			ctx, cancel := signalContext()
			defer cancel()
			srv, err := sim.Start(sim.Config{Addr: c.String("addr"), Dir: c.String("data"), Behaviour: behaviourFrom(c),
				LockTimeout: c.Duration("lock-timeout"), Context: ctx})
			if err != nil {
				return err
			}
			defer srv.Close()
			if f := c.String("env-file"); f != "" {
				if err := srv.WriteEnvFile(f); err != nil {
					return fmt.Errorf("write env file: %w", err)
				}
			}
			fmt.Fprintf(s.Out, "fleet sim: serving NCP and NHN Cloud on %s\n", srv.URL)
			for _, v := range srv.Env() {
				if strings.Contains(v.Name, "SECRET") || strings.Contains(v.Name, "PASSWORD") {
					continue // credentials only go to the env file
				}
				fmt.Fprintf(s.Out, "  %s=%s\n", v.Name, v.Value)
			}
			if c.String("env-file") != "" {
				fmt.Fprintf(s.Out, "Credentials are in %s. Press Ctrl-C to stop.\n", c.String("env-file"))
			}
			<-ctx.Done()
			fmt.Fprintln(s.Out, "fleet sim: stopped")
			return nil
		},
	}
}

// embeddedBehaviour is the embedded simulator's behaviour: fast and
// faultless unless FLEET_SIM_BUILD_TIME, FLEET_SIM_LATENCY,
// FLEET_SIM_ERROR_RATE, FLEET_SIM_THROTTLE_RATE, FLEET_SIM_RATE_LIMIT or
// FLEET_SIM_SEED (the fleet sim flags' counterparts, for tests and demos)
// ask otherwise.
func embeddedBehaviour(warn io.Writer) simcore.Behaviour {
	var b simcore.Behaviour
	for _, v := range []struct {
		name  string
		parse func(string) error
	}{
		{"FLEET_SIM_BUILD_TIME", func(s string) (err error) { b.BuildTime, err = time.ParseDuration(s); return }},
		{"FLEET_SIM_LATENCY", func(s string) (err error) { b.Latency, err = time.ParseDuration(s); return }},
		{"FLEET_SIM_ERROR_RATE", func(s string) (err error) { b.ErrorRate, err = strconv.ParseFloat(s, 64); return }},
		{"FLEET_SIM_THROTTLE_RATE", func(s string) (err error) { b.ThrottleRate, err = strconv.ParseFloat(s, 64); return }},
		{"FLEET_SIM_RATE_LIMIT", func(s string) (err error) { b.RateLimit, err = strconv.ParseFloat(s, 64); return }},
		{"FLEET_SIM_SEED", func(s string) (err error) { b.Seed, err = strconv.ParseInt(s, 10, 64); return }},
	} {
		if s := getenv(v.name); s != "" {
			if err := v.parse(s); err != nil {
				fmt.Fprintf(warn, "Warning: ignoring %s=%q: %v\n", v.name, s, err)
			}
		}
	}
	return b
}
