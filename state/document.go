package state

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"github.com/fleet-iac/fleet/providers"
)

// encode renders s as the stored document: indented JSON with resources
// sorted by address and intents by address then action, so equal states give
// equal bytes whatever order the caller built them in. s is not modified.
func encode(s *State) ([]byte, error) {
	doc := *s
	doc.Version = FormatVersion
	doc.Resources = append([]Resource{}, s.Resources...)
	sort.SliceStable(doc.Resources, func(i, j int) bool { return doc.Resources[i].Address.Less(doc.Resources[j].Address) })
	if len(s.Intents) > 0 {
		doc.Intents = append([]Intent(nil), s.Intents...)
		sort.SliceStable(doc.Intents, func(i, j int) bool {
			a, b := doc.Intents[i], doc.Intents[j]
			if a.Address != b.Address {
				return a.Address.Less(b.Address)
			}
			return a.Action < b.Action
		})
	}
	data, err := json.MarshalIndent(&doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode state: %w", err)
	}
	return append(data, '\n'), nil
}

// decode parses a stored document, refusing one that is not a fleet state or
// was written by a newer format than this build understands.
func decode(data []byte) (*State, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errors.New("the state document is empty")
	}
	var s State
	// One pass (providers.DecodeAnswer): a 10,000-server state decodes in
	// about half the time (BenchmarkDecode10000), the time a plan spent
	// reading its state before anything else could start.
	if err := providers.DecodeAnswer(data, &s); err != nil {
		if bad := badAddress(data); bad != nil {
			return nil, bad
		}
		return nil, fmt.Errorf("parse state document: %w", err)
	}
	switch {
	case s.Version == 0:
		return nil, errors.New("not a fleet state document: no \"version\"")
	case s.Version > FormatVersion:
		return nil, fmt.Errorf("state format version %d is newer than this fleet supports (%d): upgrade fleet", s.Version, FormatVersion)
	}
	if s.Resources == nil {
		s.Resources = []Resource{}
	}
	// Lookup and Put search by address: a hand-edited file may be unsorted.
	sort.SliceStable(s.Resources, func(i, j int) bool { return s.Resources[i].Address.Less(s.Resources[j].Address) })
	return &s, nil
}

// nextWrite is s as a write stores it, with its document: the serial after
// s's, and s's lineage, or a new one for a state never written. s is not
// modified: the backend updates it once the write is stored.
func nextWrite(s *State) (State, []byte, error) {
	next := *s
	next.Serial = s.Serial + 1
	if next.Lineage == "" {
		next.Lineage = newUUID()
	}
	data, err := encode(&next)
	return next, data, err
}
