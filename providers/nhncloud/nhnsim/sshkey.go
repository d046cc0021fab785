package nhnsim

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"encoding/pem"
	"fmt"
	"strings"
)

// sshString appends an SSH wire-format string (uint32 length + bytes).
func sshString(b *bytes.Buffer, s []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(s)))
	b.Write(n[:])
	b.Write(s)
}

// generateKey makes a key pair the way Nova does when no public key is
// given: an authorized_keys line and a PEM private key (ECDSA P-256 here,
// which OpenSSH reads; the standard library has no SSH encoder).
func generateKey() (pub, private string, blob []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", "", nil, fmt.Errorf("generate key: %w", err)
	}
	point, err := key.PublicKey.ECDH()
	if err != nil {
		return "", "", nil, fmt.Errorf("encode public key: %w", err)
	}
	var b bytes.Buffer
	sshString(&b, []byte("ecdsa-sha2-nistp256"))
	sshString(&b, []byte("nistp256"))
	sshString(&b, point.Bytes())
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return "", "", nil, fmt.Errorf("encode private key: %w", err)
	}
	blob = b.Bytes()
	pub = "ecdsa-sha2-nistp256 " + base64.StdEncoding.EncodeToString(blob) + " Generated-by-Nova"
	private = string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}))
	return pub, private, blob, nil
}

// parseAuthorizedKey checks an authorized_keys line ("type base64 [comment]")
// and returns the key blob, whose embedded type must match the line's.
func parseAuthorizedKey(line string) ([]byte, bool) {
	f := strings.Fields(line)
	if len(f) < 2 {
		return nil, false
	}
	blob, err := base64.StdEncoding.DecodeString(f[1])
	if err != nil || len(blob) < 4 {
		return nil, false
	}
	n := binary.BigEndian.Uint32(blob)
	if uint64(n)+4 > uint64(len(blob)) || string(blob[4:4+n]) != f[0] {
		return nil, false
	}
	return blob, true
}
