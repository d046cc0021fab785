package simcore

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/fleet-iac/fleet/atomicfile"
	"github.com/fleet-iac/fleet/regularfile"
)

// SaveJSON writes v to path atomically: a temp file in the same directory,
// fsync, rename. A crash leaves the old file or the new one, never half.
func SaveJSON(path string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return WriteFileAtomic(path, data, 0o600)
}

// WriteFileAtomic writes data to path through a temp file and a rename
// (atomicfile.WriteFile), creating the directory first.
func WriteFileAtomic(path string, data []byte, perm fs.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return atomicfile.WriteFile(path, data, perm)
}

// LoadJSON reads path into v. A missing file is not an error: found is false.
func LoadJSON(path string, v any) (found bool, err error) {
	data, err := regularfile.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, json.Unmarshal(data, v)
}
