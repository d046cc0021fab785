package planfile

import (
	"fmt"
	"io"

	"github.com/fleet-iac/fleet/planner"
	"github.com/fleet-iac/fleet/regularfile"
	"github.com/fleet-iac/fleet/spec"
)

// CheckFiles refuses the fleet files the plan names (fleet_files, which
// apply reads when no -f is given) unless their bytes are the ones it was
// made from, before anything parses them. The paths are the file's word:
// an edited plan could name any file the user can read (cloud credentials,
// an SSH key), and the loader's diagnostics quote the lines of a file that
// is not a fleet file. A digest that matches means the files are those the
// plan was made from; one that does not is a *planner.StaleError, as
// CheckFresh would find after loading them.
func (p *Plan) CheckFiles() error {
	contents := make([][]byte, 0, len(p.FleetFiles))
	for _, name := range p.FleetFiles {
		data, err := readCapped(name)
		if err != nil {
			return fmt.Errorf("cannot read fleet file %s named by the saved plan: %w", name, err)
		}
		contents = append(contents, data)
	}
	if spec.FilesDigest(contents) != p.SpecDigest {
		return &planner.StaleError{Moved: []string{"the fleet files changed (spec digest differs)"}}
	}
	return nil
}

// readCapped reads a regular file of at most spec.DefaultMaxFileSize
// bytes (one more tells a larger file, whose digest cannot match).
func readCapped(name string) ([]byte, error) {
	fh, err := regularfile.Open(name)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	return io.ReadAll(io.LimitReader(fh, spec.DefaultMaxFileSize+1))
}
