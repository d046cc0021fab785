package state_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/state"
	"github.com/fleet-iac/fleet/state/statetest"
)

func newLocal(t *testing.T) *state.Local {
	return state.NewLocal(filepath.Join(t.TempDir(), "fleet.lock"))
}

func TestLocalContract(t *testing.T) {
	statetest.Run(t, func(t *testing.T) state.Backend { return newLocal(t) })
}

func TestLocalReadErrors(t *testing.T) {
	tests := map[string]struct {
		content string
		want    string
	}{
		"not json": {content: "servers: [web]\n", want: "parse state document"},
		"empty":    {content: "", want: "the state document is empty"},
		// encoding/json's wording, as before the one-pass decoder
		"a number for a string": {content: `{"version": 1, "resources": [{"address": "server/web", "kind": "server", "id": 5}]}`,
			want: "parse state document: json: cannot unmarshal number into Go struct field Resource.resources.id of type string"},
		"a byte order mark": {content: "\ufeff{\"version\": 1}", want: "parse state document: invalid character 'ï' looking for beginning of value"},
		"no version":        {content: `{"serial": 3}`, want: `not a fleet state document: no "version"`},
		"newer version":     {content: `{"version": 99, "serial": 3}`, want: "state format version 99 is newer than this fleet supports (1)"},
		// An earlier fleet adopted resources from owner tags it checked
		// only by their kind's prefix: their addresses no longer read.
		"volume without its server": {content: `{"version": 1, "resources": [{"address": "server/web", "kind": "server", "provider": "p", "id": "s-1"},
			{"address": "volume/data", "kind": "volume", "provider": "p", "id": "v-1"}]}`,
			want: `resources[1] (volume, id v-1): address "volume/data": want volume/SERVER/NAME; fleet cannot manage a resource at this address`},
		"server with a slash": {content: `{"version": 1, "resources": [{"address": "server/a/b", "kind": "server", "provider": "p", "id": "s-1"}]}`,
			want: `resources[0] (server, id s-1): address "server/a/b": want server/NAME with no further /; fleet cannot`},
		"intent with an empty name": {content: `{"version": 1, "resources": [], "intents": [{"action": "create server/", "address": "server/", "provider": "p", "op": "create", "started": "2026-01-01T00:00:00Z"}]}`,
			want: `intents[0] (create server/): address "server/": empty name; fleet cannot`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "fleet.lock")
			if err := os.WriteFile(path, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := state.NewLocal(path).Read(context.Background())
			if err == nil {
				t.Fatal("got success, want an error")
			}
			if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %q, want it to name %s and say %q", err, path, tc.want)
			}
		})
	}
}

func TestLocalFile(t *testing.T) {
	l := newLocal(t)
	ctx := context.Background()
	s, err := l.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Out of order on purpose: the file must come out sorted anyway.
	s.Resources = []state.Resource{
		{Address: addrs.Server("b"), Kind: addrs.KindServer, Provider: "sim", ID: "2"},
		{Address: addrs.Server("a"), Kind: addrs.KindServer, Provider: "sim", ID: "1"},
	}
	if err := l.Write(ctx, s); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(l.Path())
	if err != nil {
		t.Fatal(err)
	}
	if mode := fi.Mode().Perm(); mode != 0o600 {
		t.Errorf("state file mode: got %o, want 600", mode)
	}
	data, err := os.ReadFile(l.Path())
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "version": 1,
  "lineage": "` + s.Lineage + `",
  "serial": 1,
  "fleet": "",
  "resources": [
    {
      "address": "server/a",
      "kind": "server",
      "provider": "sim",
      "id": "1"
    },
    {
      "address": "server/b",
      "kind": "server",
      "provider": "sim",
      "id": "2"
    }
  ]
}
`
	if string(data) != want {
		t.Errorf("state file:\ngot:\n%s\nwant:\n%s", data, want)
	}
	if s.Resources[0].Address != addrs.Server("b") {
		t.Error("Write reordered the caller's resources")
	}
	entries, err := os.ReadDir(filepath.Dir(l.Path()))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temp file %s left behind", e.Name())
		}
	}
}

func TestLineageIsUUIDv4(t *testing.T) {
	l := newLocal(t)
	s := &state.State{}
	if err := l.Write(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	const hex = "0123456789abcdef"
	ok := len(s.Lineage) == 36 && s.Lineage[14] == '4' && strings.ContainsRune("89ab", rune(s.Lineage[19]))
	for i, c := range s.Lineage {
		switch i {
		case 8, 13, 18, 23:
			ok = ok && c == '-'
		default:
			ok = ok && strings.ContainsRune(hex, c)
		}
	}
	if !ok {
		t.Errorf("lineage %q is not a version 4 UUID", s.Lineage)
	}
}

func TestLocalProcesses(t *testing.T) {
	tests := map[string]func(t *testing.T, b state.Backend, spec string){
		"second process refused": testSecondProcessRefused,
		"second process waits":   testSecondProcessWaits,
		"killed holder":          testKilledHolder,
	}
	for name, fn := range tests {
		t.Run(name, func(t *testing.T) {
			l := newLocal(t)
			fn(t, l, "local:"+l.Path())
		})
	}
}

// A writer killed between creating its temp file and renaming it leaves the
// temp file; the next lock holder removes it.
func TestLocalLockRemovesLeftovers(t *testing.T) {
	l := newLocal(t)
	dir := filepath.Dir(l.Path())
	leftovers := []string{".fleet.lock.123.tmp", ".fleet.lock.lock.info.456.tmp"}
	kept := []string{"fleet.yaml", ".other.lock.1.tmp"}
	for _, name := range append(leftovers, kept...) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("{"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	id, err := l.Lock(ctx, state.NewLockInfo("apply", "test"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Unlock(ctx, id)
	for _, name := range leftovers {
		if _, err := os.Stat(filepath.Join(dir, name)); !os.IsNotExist(err) {
			t.Errorf("%s: got %v, want it removed", name, err)
		}
	}
	for _, name := range kept {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s: got %v, want it kept", name, err)
		}
	}
}

// A write without the state lock while another process holds it fails,
// naming the holder, instead of waiting out the whole run.
func TestLocalWriteWhileLockedElsewhere(t *testing.T) {
	state.SetLockFreeWait(t, 300*time.Millisecond)
	l := newLocal(t)
	cmd := startHolder(t, "local:"+l.Path())
	s, err := l.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	err = l.Write(context.Background(), s)
	var le *state.LockError
	if !errors.As(err, &le) || le.Info == nil || le.Info.PID != cmd.Process.Pid {
		t.Fatalf("write while another process holds the lock: got %v, want a *LockError naming pid %d", err, cmd.Process.Pid)
	}
}

func TestLocalReadSortsResources(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fleet.lock")
	doc := `{"version": 1, "serial": 4, "lineage": "l", "resources": [
		{"address": "server/c", "id": "3"}, {"address": "server/a", "id": "1"}, {"address": "server/b", "id": "2"}]}`
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := state.NewLocal(path).Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for addr, id := range map[addrs.Address]string{addrs.Server("a"): "1", addrs.Server("b"): "2", addrs.Server("c"): "3"} {
		if r := s.Lookup(addr); r == nil || r.ID != id {
			t.Errorf("lookup %s in a hand-edited, unsorted file: got %+v, want id %s", addr, r, id)
		}
	}
}

func TestLocalCrash(t *testing.T) {
	l := newLocal(t)
	testCrashSafety(t, l, "local:"+l.Path())
	// Evidence that kills landed mid-write: temp files never renamed.
	tmps, _ := filepath.Glob(filepath.Join(filepath.Dir(l.Path()), ".fleet.lock.*.tmp"))
	t.Logf("%d writes were killed between creating and renaming their temp file", len(tmps))
}

// A symlinked state file stays a link: writes go to its target, the lock
// sidecars sit beside the target (so a run through the link and one through
// the target share one lock), and crash safety holds through the link.
func TestLocalSymlink(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "real"), 0o700); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dir, "real", "state.json")
	link := filepath.Join(dir, "fleet.lock")
	if err := os.Symlink(filepath.Join("real", "state.json"), link); err != nil { // dangling until the first write
		t.Fatal(err)
	}
	l := state.NewLocal(link)
	if l.Path() != target {
		t.Fatalf("Path() = %s, want the link's target %s", l.Path(), target)
	}
	writeFirst(t, l)
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("after a write %s is %v (%v), want still a symlink", link, fi.Mode(), err)
	}
	if _, err := os.Stat(link + ".lk"); err == nil {
		t.Errorf("a lock file was made beside the link")
	}

	t.Run("one lock through link and target", func(t *testing.T) {
		startHolder(t, "local:"+target)
		cmd := helperCmd(t, "lock", "local:"+link, helperTimeout+"=100ms")
		out, _ := cmd.CombinedOutput()
		if code := cmd.ProcessState.ExitCode(); code != exitLockFailed {
			t.Fatalf("lock through the link while the target is locked: exit %d, output %s", code, out)
		}
	})
	t.Run("crash safety through the link", func(t *testing.T) {
		link := filepath.Join(dir, "crash.lock") // a fresh state: the trials count from serial 0
		if err := os.Symlink(filepath.Join("real", "crash.json"), link); err != nil {
			t.Fatal(err)
		}
		testCrashSafety(t, state.NewLocal(link), "local:"+link)
		if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Fatalf("after the crash trials %s is %v (%v), want still a symlink", link, fi.Mode(), err)
		}
	})
}

// TestLocalSymlinkInLinkedDir: a relative link is read from the directory
// it really sits in, as the kernel reads it, not from the path's spelling:
// through a linked directory, "../state.json" is beside that directory's
// target. Joined lexically, it named another file, and the state was
// written where nothing else would read it.
func TestLocalSymlinkInLinkedDir(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "x", "y")
	if err := os.MkdirAll(real, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, filepath.Join(dir, "ydir")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join("..", "state.json"), filepath.Join(real, "fleet.lock")); err != nil {
		t.Fatal(err)
	}
	l := state.NewLocal(filepath.Join(dir, "ydir", "fleet.lock"))
	writeFirst(t, l)
	if _, err := os.Stat(filepath.Join(dir, "x", "state.json")); err != nil {
		t.Fatalf("the state (%s) is not where the link points: %v", l.Path(), err)
	}
}

// writeFirst reads l's state and writes it back: the first write.
func writeFirst(t *testing.T, l *state.Local) {
	t.Helper()
	ctx := context.Background()
	st, err := l.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Write(ctx, st); err != nil {
		t.Fatal(err)
	}
}
