package state

import (
	"encoding/json"
	"fmt"

	"github.com/fleet-iac/fleet/addrs"
)

// badAddress names the entry whose address stopped a state document's
// decode, and what to do about it; nil when every address reads (the
// decode failed for another reason). Fleet before typed addresses adopted
// resources from owner tags it checked only by their kind's prefix, so a
// state it wrote may hold "volume/data" or "server/a/b", which no command
// can act on now. Run only after a failed decode: a good state pays
// nothing for it.
func badAddress(data []byte) error {
	var doc struct {
		Resources []struct {
			Address string     `json:"address"`
			Kind    addrs.Kind `json:"kind"`
			ID      string     `json:"id"`
		} `json:"resources"`
		Intents []struct {
			Address string `json:"address"`
			Action  string `json:"action"`
		} `json:"intents"`
	}
	if json.Unmarshal(data, &doc) != nil {
		return nil
	}
	entry, err := "", error(nil)
	for i := 0; i < len(doc.Resources) && err == nil; i++ {
		r := doc.Resources[i]
		entry, err = fmt.Sprintf("resources[%d] (%s, id %s)", i, r.Kind, r.ID), check(r.Address)
	}
	for i := 0; i < len(doc.Intents) && err == nil; i++ {
		entry, err = fmt.Sprintf("intents[%d] (%s)", i, doc.Intents[i].Action), check(doc.Intents[i].Address)
	}
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w; fleet cannot manage a resource at this address (an earlier fleet took it from an owner tag it no longer accepts): "+
		"delete this entry from the stored state by hand (the resource stays in the cloud), then fix or remove the resource's owner tag in the console", entry, err)
}

// check is addrs.Address.UnmarshalText's verdict on text: "" is no address.
func check(text string) error {
	var a addrs.Address
	return a.UnmarshalText([]byte(text))
}
