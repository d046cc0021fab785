package nhnsim

import (
	"crypto/sha256"
	"encoding/base64"
	"maps"
	"net/http"
	"slices"
	"strings"
)

func listKeypairs(c *call) {
	names := slices.Sorted(maps.Keys(c.s.keypairs))
	out := make([]any, len(names))
	for i, n := range names {
		k := c.s.keypairs[n]
		out[i] = map[string]any{"keypair": map[string]any{"name": k.Name, "public_key": k.PublicKey, "fingerprint": k.Fingerprint}}
	}
	writeJSON(c.w, http.StatusOK, map[string]any{"keypairs": out})
}

func getKeypair(c *call) {
	name := c.id(1)
	k := c.s.keypairs[name]
	if k == nil {
		writeFault(c.w, http.StatusNotFound, "Keypair "+name+" not found for user "+userID)
		return
	}
	writeJSON(c.w, http.StatusOK, map[string]any{"keypair": map[string]any{
		"public_key": k.PublicKey, "user_id": userID, "name": k.Name, "deleted": false,
		"created_at": k.Created.UTC().Format(timeMicros), "updated_at": nil, "fingerprint": k.Fingerprint,
		"deleted_at": nil, "id": k.ID}})
}

// createKeypair imports a public key, or generates a key pair and returns
// the private key once. The legacy /v2 path answers 200.
func createKeypair(c *call) {
	var req struct {
		Keypair *struct {
			Name      string `json:"name"`
			PublicKey string `json:"public_key"`
		} `json:"keypair"`
	}
	if !c.decode(&req) {
		return
	}
	if req.Keypair == nil || req.Keypair.Name == "" || len(req.Keypair.Name) > 255 ||
		strings.TrimSpace(req.Keypair.Name) != req.Keypair.Name {
		writeFault(c.w, http.StatusBadRequest, "Keypair data is invalid: Keypair name contains unsafe characters")
		return
	}
	name := req.Keypair.Name
	if _, dup := c.s.keypairs[name]; dup {
		writeFault(c.w, http.StatusConflict, "Key pair '"+name+"' already exists.")
		return
	}
	// The key is kept byte for byte as sent, trailing newline included:
	// Nova stores and returns public_key unchanged, and a client that
	// compares what it sent with what it reads (terraform-provider-openstack)
	// would otherwise replace the keypair on every run.
	pub, private := req.Keypair.PublicKey, ""
	var blob []byte
	if strings.TrimSpace(pub) == "" {
		var err error
		pub, private, blob, err = generateKey()
		if err != nil {
			writeFault(c.w, http.StatusInternalServerError, computeFaultMessage)
			return
		}
	} else {
		var ok bool
		if blob, ok = parseAuthorizedKey(strings.TrimSpace(pub)); !ok {
			writeFault(c.w, http.StatusBadRequest, "Keypair data is invalid: failed to generate fingerprint")
			return
		}
	}
	sum := sha256.Sum256(blob)
	k := &keypair{ID: len(c.s.d.Keypairs) + 1, Name: name, PublicKey: pub,
		Fingerprint: "SHA256:" + base64.RawStdEncoding.EncodeToString(sum[:]), Created: c.now}
	c.s.d.Keypairs = append(c.s.d.Keypairs, k)
	c.s.keypairs[name] = k
	c.s.markDirty()
	out := map[string]any{"fingerprint": k.Fingerprint, "name": k.Name, "public_key": k.PublicKey, "user_id": userID}
	if private != "" {
		out["private_key"] = private
	}
	writeJSON(c.w, http.StatusOK, map[string]any{"keypair": out})
}

func deleteKeypair(c *call) {
	name := c.id(1)
	if c.s.keypairs[name] == nil {
		writeFault(c.w, http.StatusNotFound, "Keypair "+name+" not found for user "+userID)
		return
	}
	delete(c.s.keypairs, name)
	for i, k := range c.s.d.Keypairs {
		if k.Name == name {
			c.s.d.Keypairs = append(c.s.d.Keypairs[:i:i], c.s.d.Keypairs[i+1:]...)
			break
		}
	}
	c.s.markDirty()
	noContent(c.w, http.StatusAccepted)
}
