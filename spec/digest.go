package spec

import (
	"crypto/sha256"
	"encoding/hex"
)

// FilesDigest is Fleet.Digest for fleet files of these contents, in the
// order loaded: a sha256 over their bytes ("sha256:<hex>"). A saved plan
// compares it with the files it names before anything parses them.
func FilesDigest(contents [][]byte) string {
	h := sha256.New()
	for _, data := range contents {
		h.Write(data)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}
