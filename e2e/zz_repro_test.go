package e2e

import (
	"encoding/json"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/providers/simcore"
)

func TestZZRepro(t *testing.T) {
	w := newWorld(t, simcore.Behaviour{BuildTime: 300 * time.Millisecond})
	rng := rand.New(rand.NewSource(1))
	big := true
	w.writeFleet(group{name: "db", cloud: "nhn", count: 6, volume: true})
	for i := 0; i < 30; i++ {
		c := w.start("apply", "--auto-approve")
		time.Sleep(time.Duration(100+rng.Intn(3000)) * time.Millisecond)
		if c.kill() {
			continue
		}
		code := c.wait(t, time.Second)
		if code != 0 {
			if strings.Contains(c.stderr.String(), "Unable to detach") {
				t.Logf("run %d: %s\nstdout:%s", i, c.stderr.String(), c.stdout.String())
				w.sim.NHN.Flush()
				b, _ := os.ReadFile(filepath.Join(w.simDir, "nhncloud", "nhn.json"))
				var d map[string]json.RawMessage
				json.Unmarshal(b, &d)
				t.Logf("servers: %s", d["servers"])
				t.Logf("volumes: %s", d["volumes"])
				st, _ := os.ReadFile(filepath.Join(w.dir, "fleet.lock"))
				t.Logf("state: %s", st)
				t.FailNow()
			}
			continue
		}
		big = !big
		if big {
			w.writeFleet(group{name: "db", cloud: "nhn", count: 6, volume: true})
		} else {
			w.writeFleet(group{name: "db", cloud: "nhn", count: 3, volume: true})
		}
	}
}
