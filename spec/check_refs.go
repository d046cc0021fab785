package spec

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/fleet-iac/fleet/addrs"
	"github.com/fleet-iac/fleet/regularfile"
)

// maxPublicKeySize caps a public key file; OpenSSH keys are under 1 KiB.
const maxPublicKeySize = 16 << 10

func (l *loader) checkKeypairs(f *Fleet) {
	for _, k := range f.Keypairs {
		ptr := "/keypairs/" + escapePointer(k.Name)
		if k.Provider != "" {
			if p := f.Providers[k.Provider]; p == nil {
				l.undeclared(ptr+"/provider", "provider", k.Provider, f.ProviderNames(), "providers")
			} else if p.Type == ProviderNCloud && !ncpKeyName.MatchString(k.Name) {
				l.errorAtPtr(ptr, true, fmt.Sprintf("%s: NCP refuses the login key name %q", pathText(ptr), k.Name),
					"NCP login key names are 3 to 30 characters of lowercase letters, digits and '-'.")
			}
		}
		if k.PublicKeyFile != "" {
			k.PublicKey = l.readPublicKey(ptr+"/public_key_file", k.PublicKeyFile)
		}
	}
}

// readPublicKey reads a public key file relative to the fleet file that
// names it. Its contents are never echoed: a wrong path might point at a
// private key.
func (l *loader) readPublicKey(ptr, name string) string {
	path := name
	if lc, ok := l.locate(ptr); ok && !filepath.IsAbs(name) {
		path = filepath.Join(filepath.Dir(lc.src.name), name)
	}
	shown := pathText(ptr)
	fh, err := regularfile.Open(path)
	if err != nil {
		l.errorAtPtr(ptr, false, fmt.Sprintf("%s: cannot read %s: %s", shown, path, errText(err)),
			"The path is relative to the fleet file that names it.")
		return ""
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, maxPublicKeySize+1))
	if err != nil {
		l.errorAtPtr(ptr, false, fmt.Sprintf("%s: cannot read %s: %s", shown, path, errText(err)), "")
		return ""
	}
	key := strings.TrimSpace(string(data))
	switch {
	case len(data) > maxPublicKeySize:
		l.errorAtPtr(ptr, false, fmt.Sprintf("%s: %s is too large for a public key", shown, path),
			"Point public_key_file at an OpenSSH public key (a .pub file).")
	case bytes.Contains(data, []byte("PRIVATE KEY")):
		l.errorAtPtr(ptr, false, fmt.Sprintf("%s: %s is a private key", shown, path),
			"Point public_key_file at the public half (the .pub file); a private key must never leave your machine.")
	case !strings.HasPrefix(key, "ssh-") && !strings.HasPrefix(key, "ecdsa-") && !strings.HasPrefix(key, "sk-"):
		l.errorAtPtr(ptr, false, fmt.Sprintf("%s: %s is not an OpenSSH public key", shown, path),
			"A public key file holds one line such as \"ssh-ed25519 AAAA... comment\" (ssh-keygen writes it as a .pub file).")
	default:
		return key
	}
	return ""
}

func (l *loader) checkImages(f *Fleet) {
	byName := map[string]*Image{}
	for _, im := range f.Images {
		byName[im.Name] = im
		ptr := "/images/" + escapePointer(im.Name)
		if im.From == "" {
			continue
		}
		s := f.Server(im.From)
		if s == nil {
			if g := groupOf(f, im.From); g != nil && g.Counted {
				l.errorAtPtr(ptr+"/from", false, fmt.Sprintf("%s: %q is a group with count, not a server", pathText(ptr+"/from"), im.From),
					fmt.Sprintf("Name one instance of %s, such as %s-1.", g.Name, g.Name))
				continue
			}
			l.undeclared(ptr+"/from", "server", im.From, serverNames(f), "servers")
			continue
		}
		if p := f.Providers[s.Provider]; p != nil && p.Type == ProviderNCloud && !ncpImageName.MatchString(im.Name) {
			l.errorAtPtr(ptr, true, fmt.Sprintf("%s: NCP refuses the image name %q", pathText(ptr), im.Name),
				"NCP member server image names are 3 to 30 characters of lowercase letters, digits and '-'.")
		}
	}
	// An image made from a server that boots from that image (directly or
	// through other images) can never be built.
	for _, im := range f.Images {
		seen := map[string]bool{}
		cur := im
		for cur != nil && !seen[cur.Name] {
			seen[cur.Name] = true
			s := f.Server(cur.From)
			name, ok := "", false
			if s != nil {
				name, ok = s.DeclaredImage()
			}
			if !ok {
				cur = nil
				break
			}
			cur = byName[name]
		}
		if cur != nil && cur.Name == im.Name {
			ptr := "/images/" + escapePointer(im.Name) + "/from"
			l.errorAtPtr(ptr, false, fmt.Sprintf("%s: image %q is made from a server that boots from it", pathText(ptr), im.Name),
				"An image cannot be built from a server that needs the image to exist first; make it from another server.")
		}
	}
}

// serverNames lists every instance name, for "did you mean" and the
// declared list when a reference names no server.
func serverNames(f *Fleet) []string {
	names := make([]string, 0, len(f.Servers))
	for _, s := range f.Servers {
		names = append(names, s.Name)
	}
	return names
}

func groupOf(f *Fleet, name string) *ServerGroup {
	for _, g := range f.Groups {
		if g.Name == name {
			return g
		}
	}
	return nil
}

func (l *loader) checkMoved(f *Fleet) {
	froms := map[string]string{}
	for i, m := range f.Moved {
		ptr := "/moved/" + strconv.Itoa(i)
		fromOK := l.checkMovedAddress(ptr+"/from", m.From)
		if l.checkMovedAddress(ptr+"/to", m.To) {
			if _, to := m.Servers(); f.Server(to.Name) == nil {
				l.undeclared(ptr+"/to", "server", to.Name, serverNames(f), "servers")
			}
		}
		if !fromOK {
			continue
		}
		if from, _ := m.Servers(); f.Server(from.Name) != nil {
			l.errorAtPtr(ptr+"/from", false, fmt.Sprintf("%s: %s is still declared", pathText(ptr+"/from"), m.From),
				"A server that moved away must no longer be declared; remove it from servers: or remove this moved entry.")
		}
		if first, dup := froms[m.From]; dup {
			l.errorAtPtr(ptr+"/from", false, fmt.Sprintf("%s: %s is moved twice", pathText(ptr+"/from"), m.From),
				fmt.Sprintf("It is already moved at %s; a server can move to one place only.", l.rangeOf(first, false)))
		} else {
			froms[m.From] = ptr + "/from"
		}
	}
}

func (l *loader) checkMovedAddress(ptr, addr string) bool {
	if addr == "" {
		return false // missing: the schema reports it
	}
	if a, err := addrs.Parse(addr); err == nil && a.Kind == addrs.KindServer {
		return true
	}
	l.errorAtPtr(ptr, false, fmt.Sprintf("%s: must be a server address such as server/web-1, got %s", pathText(ptr), l.describe(ptr, addr)),
		"moved renames servers: write server/OLD-NAME and server/NEW-NAME.")
	return false
}
