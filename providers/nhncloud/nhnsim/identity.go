package nhnsim

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
)

// issueToken serves POST /v2.0/tokens (nhn.md §1.2).
func issueToken(c *call) {
	var req struct {
		Auth *struct {
			TenantID            string `json:"tenantId"`
			TenantName          string `json:"tenantName"`
			PasswordCredentials *struct {
				Username string `json:"username"`
				Password string `json:"password"`
			} `json:"passwordCredentials"`
			Token *struct {
				ID string `json:"id"`
			} `json:"token"`
		} `json:"auth"`
	}
	if err := json.Unmarshal(c.body, &req); err != nil || req.Auth == nil ||
		(req.Auth.PasswordCredentials == nil && req.Auth.Token == nil) {
		writeJSON(c.w, http.StatusBadRequest, map[string]any{"error": map[string]any{
			"code": 400, "title": "Bad Request", "message": "Expecting to find auth in request body."}})
		return
	}
	s, a := c.s, req.Auth
	ok := a.TenantID == s.opts.TenantID || (a.TenantID == "" && a.TenantName == tenantName(s.opts.TenantID))
	if pc := a.PasswordCredentials; pc != nil {
		ok = ok && pc.Username == s.opts.Username && pc.Password == s.opts.Password
	} else {
		t, found := s.tokens[a.Token.ID]
		ok = ok && found && c.now.Before(t.Expires)
	}
	if !ok {
		writeJSON(c.w, http.StatusUnauthorized, map[string]any{"error": map[string]any{
			"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}})
		return
	}
	for id, t := range s.tokens {
		if !c.now.Before(t.Expires) {
			delete(s.tokens, id)
		}
	}
	var raw [16]byte
	if _, err := rand.Read(raw[:]); err != nil {
		writeFault(c.w, http.StatusInternalServerError, computeFaultMessage)
		return
	}
	t := token{ID: hex.EncodeToString(raw[:]), Issued: c.now, Expires: c.now.Add(s.opts.TokenTTL)}
	s.tokens[t.ID] = t
	s.markDirty()
	tenant := s.opts.TenantID
	writeJSON(c.w, http.StatusOK, map[string]any{"access": map[string]any{
		"token": map[string]any{
			"id": t.ID, "expires": t.Expires.UTC().Format(timeZ), "issued_at": t.Issued.UTC().Format(timeMicros),
			"tenant": map[string]any{"id": tenant, "name": tenantName(tenant), "groupId": hexFrom("nhnsim/group/" + tenant),
				"description": "", "enabled": true, "project_domain": "NORMAL"},
		},
		"serviceCatalog": c.catalog(),
		"user": map[string]any{"id": userID, "username": s.opts.Username, "name": s.opts.Username,
			"roles": []any{map[string]any{"name": "project_admin"}}, "roles_links": []any{}},
		"metadata": map[string]any{"roles": []string{hexFrom("nhnsim/role/project_admin")}, "is_admin": 0},
	}})
}

func tenantName(tenant string) string { return "c_" + tenant[:8] }

// regions are listed in catalog order: a non-KR1 region first, as NHN does.
var regions = []string{"KR2", "KR1", "KR3", "JP1"}

// catalog builds the service catalog. Only KR1 is served; the other
// regions' URLs live under /{region} and answer 404.
func (c *call) catalog() []any {
	entry := func(typ, name, path string, versioned bool) map[string]any {
		eps := make([]any, 0, len(regions))
		for _, r := range regions {
			base := c.base
			if r != region {
				base += "/" + r
			}
			u := base + path
			if versioned {
				u += "/v2/" + c.s.opts.TenantID
			}
			eps = append(eps, map[string]any{"region": r, "publicURL": u})
		}
		return map[string]any{"type": typ, "name": name, "endpoints": eps}
	}
	return []any{
		entry("compute", "nova", "/compute", true),
		entry("image", "glance", "/image", false),
		map[string]any{"type": "identity", "name": "keystone", "endpoints": []any{
			map[string]any{"region": region, "publicURL": c.base + "/identity/v2.0"}}},
		entry("volumev2", "cinderv2", "/volume", true),
		entry("network", "neutron", "/network", false),
	}
}

// identityVersions is Keystone's versions document at the identity root.
func identityVersions(c *call) {
	writeJSON(c.w, http.StatusMultipleChoices, map[string]any{"versions": map[string]any{"values": []any{
		identityV2(c)}}})
}

func identityVersion(c *call) {
	writeJSON(c.w, http.StatusOK, map[string]any{"version": identityV2(c)})
}

func identityV2(c *call) map[string]any {
	return map[string]any{"id": "v2.0", "status": "stable", "updated": "2014-04-17T00:00:00Z",
		"links":       []any{map[string]any{"rel": "self", "href": c.base + "/identity/v2.0/"}},
		"media-types": []any{map[string]any{"base": "application/json", "type": "application/vnd.openstack.identity-v2.0+json"}}}
}

func computeVersions(c *call) {
	writeJSON(c.w, http.StatusOK, map[string]any{"versions": []any{map[string]any{
		"id": "v2.0", "status": "SUPPORTED", "version": "", "min_version": "", "updated": "2011-01-21T11:33:21Z",
		"links": []any{map[string]any{"rel": "self", "href": c.base + "/compute/v2/"}}}}})
}

func volumeVersions(c *call) {
	writeJSON(c.w, http.StatusMultipleChoices, map[string]any{"versions": []any{map[string]any{
		"id": "v2.0", "status": "SUPPORTED", "updated": "2014-06-28T12:20:21Z",
		"links": []any{map[string]any{"rel": "self", "href": c.base + "/volume/v2/"}}}}})
}

func imageVersions(c *call) {
	writeJSON(c.w, http.StatusMultipleChoices, map[string]any{"versions": []any{
		map[string]any{"id": "v2.0", "status": "CURRENT",
			"links": []any{map[string]any{"rel": "self", "href": c.base + "/image/v2/"}}}}})
}

func networkVersions(c *call) {
	writeJSON(c.w, http.StatusOK, map[string]any{"versions": []any{
		map[string]any{"id": "v2.0", "status": "CURRENT",
			"links": []any{map[string]any{"rel": "self", "href": c.base + "/network/v2.0/"}}}}})
}
