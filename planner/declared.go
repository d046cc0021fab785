package planner

import (
	"fmt"
	"strings"
	"time"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/spec"
)

// recordOf returns what the state records of a server fleet creates (the
// create action carries it; the executor stores it as
// state.Resource.Declared): the file's values of the recorded rules that
// are managed on the server's cloud, by attribute path. The planner
// compares them with the file where the cloud does not report the value
// back (NHN user data and network, NCP billing).
func (b *builder) recordOf(d *spec.Server) map[string]string {
	out := map[string]string{}
	cloud := b.cloud(d.Provider)
	for i := range serverRules {
		rule := &serverRules[i]
		if !rule.recorded || rule.effectOn(cloud) == ignored {
			continue
		}
		if v, ok := rule.want(d, nil); ok {
			out[string(rule.path)] = v
		}
	}
	return out
}

// declaredKeypair is what the state records of a keypair fleet creates: a
// digest of its public key. Neither cloud changes a keypair in place.
func declaredKeypair(k *spec.Keypair) map[string]string {
	return map[string]string{"public_key": keyDigest(k.PublicKey)}
}

// keyDigest is the sha256 of an OpenSSH public key's type and key, so that
// editing only its comment is no change.
func keyDigest(pub string) string {
	f := strings.Fields(pub)
	return UserDataDigest(strings.Join(f[:min(2, len(f))], " "))
}

// declaredImage is what the state records of an image fleet makes: the
// server it was made from.
func declaredImage(im *spec.Image) map[string]string {
	return map[string]string{"from": im.From}
}

// checkUnchangeable fails the plan where the file changes what no cloud
// call can change and fleet does not remake: a keypair's public key or
// provider, an image's source server. Old states without the recorded
// value are taken as unchanged.
func (b *builder) checkUnchangeable() {
	if b.in.Destroy {
		return
	}
	for _, k := range b.fleet.Keypairs {
		c, ok := b.cur[k.Address()]
		if !ok || c.Kind != addrs.KindKeypair {
			continue
		}
		if k.Provider != "" && c.Provider != k.Provider {
			b.fail(spec.Diagnostic{Severity: spec.SeverityError, Address: k.Address().String(),
				Summary: fmt.Sprintf("keypairs.%s.provider: fleet cannot move a keypair to another provider (%s → %s)", k.Name, c.Provider, k.Provider),
				Detail:  "A keypair lives in one cloud account. Declare a keypair under a new name for provider " + k.Provider + " and point the servers' key at it (which replaces them), or revert the provider.",
				Range:   rangeOrNil(k.FieldRange("provider"))})
		}
		if was, ok := c.Declared["public_key"]; ok && k.PublicKey != "" && was != keyDigest(k.PublicKey) {
			b.fail(spec.Diagnostic{Severity: spec.SeverityError, Address: k.Address().String(),
				Summary: fmt.Sprintf("keypairs.%s.public_key_file: the public key differs from the one fleet imported", k.Name),
				Detail:  "Neither cloud changes a keypair in place, and servers keep the key they booted with. Declare the new key under a new keypair name and point the servers' key at it (which replaces them), or restore the old key file.",
				Range:   rangeOrNil(k.FieldRange("public_key_file"))})
		}
	}
	for _, im := range b.fleet.Images {
		c, ok := b.cur[im.Address()]
		if !ok || c.Kind != addrs.KindImage {
			continue
		}
		if was, ok := c.Declared["from"]; ok && was != im.From {
			b.fail(spec.Diagnostic{Severity: spec.SeverityError, Address: im.Address().String(),
				Summary: fmt.Sprintf("images.%s.from: image/%s was made from %s, not %s", im.Name, im.Name, was, im.From),
				Detail:  "fleet makes an image once and never remakes it. Declare an image under a new name to image " + im.From + ", or restore from: " + was + ".",
				Range:   rangeOrNil(im.FieldRange("from"))})
		}
	}
}

// createdDeclared is what an interrupted create at addr meant to record
// (state.Intent.Declared): the resource it made is adopted with it, as if
// the state had recorded it, so its unreported values are still compared
// with the file. nil when no create intent there carries any.
func (b *builder) createdDeclared(addr addrs.Address) map[string]string {
	if b.in.State == nil {
		return nil
	}
	var out map[string]string
	var at time.Time
	for _, in := range b.in.State.Intents {
		if in.Address == addr && in.Op == string(Create) && len(in.Declared) > 0 && (out == nil || !in.Started.Before(at)) {
			out, at = in.Declared, in.Started
		}
	}
	return out
}
