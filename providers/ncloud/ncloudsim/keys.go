package ncloudsim

import (
	"bytes"
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/http"
	"sort"
	"strings"
)

// Login keys (ncp.md §2.3) belong to the account, not to a region.

type loginKeyJSON struct {
	KeyName     string `json:"keyName"`
	Fingerprint string `json:"fingerprint"`
	PublicKey   string `json:"publicKey"`
	CreateDate  string `json:"createDate"`
}

func keyList(list []*loginKey, total int, mutated bool) result {
	views := make([]loginKeyJSON, len(list))
	for i, k := range list {
		views[i] = loginKeyJSON{KeyName: k.Name, Fingerprint: k.Fingerprint, PublicKey: k.PublicKey, CreateDate: ncpDate(k.Created)}
	}
	return result{fields: object{{"totalRows", total}, {"loginKeyList", views}}, mutated: mutated}
}

func (s *Sim) newKeyName(c *call) (string, error) {
	name := c.p.str("keyName")
	if name == "" {
		return "", invalidParam("keyName", "is required")
	}
	if err := validName("keyName", name); err != nil {
		return "", err
	}
	if s.d.Keys[name] != nil {
		return "", invalidParam("keyName", "login key %q already exists", name)
	}
	return name, nil
}

// createLoginKey makes an RSA key pair and answers flat keyName and
// privateKey; the private half is never stored.
func createLoginKey(s *Sim, c *call) (result, error) {
	name, err := s.newKeyName(c)
	if err != nil {
		return result{}, err
	}
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return result{}, fmt.Errorf("generate login key: %w", err)
	}
	blob := sshRSAPublicKey(&priv.PublicKey)
	s.d.Keys[name] = &loginKey{Name: name, Created: c.now, Fingerprint: fingerprint(blob),
		PublicKey: "ssh-rsa " + base64.StdEncoding.EncodeToString(blob)}
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(priv)})
	return result{fields: object{{"keyName", name}, {"privateKey", string(pemKey)}}, commonFirst: true, mutated: true}, nil
}

// importLoginKey registers an OpenSSH public key ("ssh-rsa AAAA... comment").
func importLoginKey(s *Sim, c *call) (result, error) {
	name, err := s.newKeyName(c)
	if err != nil {
		return result{}, err
	}
	pub := c.p.str("publicKey")
	f := strings.Fields(pub)
	if len(f) < 2 {
		return result{}, invalidParam("publicKey", "must be an OpenSSH public key")
	}
	blob, err := base64.StdEncoding.DecodeString(f[1])
	if err != nil || !bytes.HasPrefix(blob, sshString([]byte(f[0]))) {
		return result{}, invalidParam("publicKey", "must be an OpenSSH public key")
	}
	k := &loginKey{Name: name, PublicKey: f[0] + " " + f[1], Fingerprint: fingerprint(blob), Created: c.now}
	s.d.Keys[name] = k
	return keyList([]*loginKey{k}, 1, true), nil
}

func getLoginKeyList(s *Sim, c *call) (result, error) {
	offset, size, err := c.p.paging()
	if err != nil {
		return result{}, err
	}
	name := c.p.str("keyName")
	var all []*loginKey
	for _, k := range s.d.Keys {
		if name == "" || k.Name == name {
			all = append(all, k)
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	lo, hi := page(len(all), offset, size)
	return keyList(all[lo:hi], len(all), false), nil
}

// deleteLoginKeys uses the Classic codes 10406 (no such key) and 10407 (in
// use by a server), the only ones documented (ncp.md §4.2).
func deleteLoginKeys(s *Sim, c *call) (result, error) {
	names, err := c.p.list("keyNameList")
	if err != nil {
		return result{}, err
	}
	if len(names) == 0 {
		return result{}, invalidParam("keyNameList", "is required")
	}
	for _, n := range names {
		if s.d.Keys[n] == nil {
			return result{}, &apiError{Status: http.StatusBadRequest, Code: "10406", Message: fmt.Sprintf("The login key (%s) does not exist.", n)}
		}
		for _, v := range s.d.Servers {
			if v.LoginKey == n {
				return result{}, &apiError{Status: http.StatusBadRequest, Code: codeLoginKeyUsed,
					Message: fmt.Sprintf("The login key is in use by server %s.", v.No)}
			}
		}
	}
	for _, n := range names {
		delete(s.d.Keys, n)
	}
	return result{fields: object{{"totalRows", len(names)}}, mutated: true}, nil
}

// sshRSAPublicKey encodes an RSA public key in the SSH wire format.
func sshRSAPublicKey(k *rsa.PublicKey) []byte {
	var b []byte
	b = append(b, sshString([]byte("ssh-rsa"))...)
	b = append(b, sshString(mpint(big.NewInt(int64(k.E))))...)
	return append(b, sshString(mpint(k.N))...)
}

func sshString(s []byte) []byte {
	out := binary.BigEndian.AppendUint32(nil, uint32(len(s)))
	return append(out, s...)
}

// mpint is a positive big integer as SSH writes it: a leading zero byte
// when the top bit is set.
func mpint(n *big.Int) []byte {
	b := n.Bytes()
	if len(b) > 0 && b[0]&0x80 != 0 {
		b = append([]byte{0}, b...)
	}
	return b
}

// fingerprint is the MD5 fingerprint NCP shows, "eb:8d:...".
func fingerprint(blob []byte) string {
	sum := md5.Sum(blob)
	parts := make([]string, len(sum))
	for i, b := range sum {
		parts[i] = fmt.Sprintf("%02x", b)
	}
	return strings.Join(parts, ":")
}
