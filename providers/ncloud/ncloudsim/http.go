package ncloudsim

import (
	"crypto/sha256"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/fleet-iac/fleet/providers/ncloud/signature"
	"github.com/fleet-iac/fleet/providers/simcore"
)

// call is one API request after authentication and parameter parsing.
type call struct {
	p      params
	region *region
	now    time.Time
}

// result is what an operation answers: its fields, which the common
// requestId/returnCode/returnMessage follow (or precede, for the flat
// createLoginKey answer), and whether it changed data that must be saved.
type result struct {
	fields      object
	commonFirst bool
	mutated     bool
}

type operation func(s *Sim, c *call) (result, error)

// Path prefixes served. VPC and subnet lists live under /vpc/v2 on the real
// gateway; they are also answered under /vserver/v2 for clients that keep
// one base URL.
const (
	prefixVserver = "/vserver/v2/"
	prefixVPC     = "/vpc/v2/"
)

// maxSkew is how far a request timestamp may be from gateway time (ncp.md §1.2).
const maxSkew = 5 * time.Minute

// ServeHTTP serves GET|POST /vserver/v2/{operation} and /vpc/v2/{operation}.
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op, table := "", vserverOps
	switch {
	case strings.HasPrefix(r.URL.Path, prefixVserver):
		op = strings.TrimPrefix(r.URL.Path, prefixVserver)
	case strings.HasPrefix(r.URL.Path, prefixVPC):
		op, table = strings.TrimPrefix(r.URL.Path, prefixVPC), vpcOps
	default:
		s.stats.Count(r.URL.Path)
		writeGateway(w, gwNotFound.with("no API at "+r.URL.Path))
		return
	}
	s.stats.Count(op)
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		writeGateway(w, gwBadReq.with("method "+r.Method+" is not allowed"))
		return
	}
	if g, ok := s.authenticate(r); !ok {
		writeGateway(w, g)
		return
	}
	if g, ok := s.fault(); !ok {
		if g.Status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", "1")
		}
		writeGateway(w, g)
		return
	}
	fn, ok := table[op]
	if !ok {
		writeGateway(w, gwNotFound.with("unknown operation "+op))
		return
	}
	if err := r.ParseForm(); err != nil {
		writeGateway(w, gwBadReq.with("malformed parameters"))
		return
	}
	p := newParams(r.Form)
	// Only JSON is served: an explicit xml request is refused rather than
	// answered in a format the client did not ask for. Omitted means JSON.
	if f := strings.ToLower(p.str("responseFormatType")); f != "" && f != "json" {
		writeAPIError(w, invalidParam("responseFormatType", "the simulator answers json only, got %q", f))
		return
	}
	if op == "associatePublicIpWithServerInstance" && s.inj.Behaviour().HangAssociate {
		<-r.Context().Done() // never answered: the client dies waiting
		return
	}
	s.serveOp(w, op, fn, p)
}

// serveOp runs one operation under the lock; the answer is rendered after
// the lock is released, from views that share nothing with the data.
func (s *Sim) serveOp(w http.ResponseWriter, op string, fn operation, p params) {
	res, reqID, err := s.run(fn, p)
	if err != nil {
		switch e := err.(type) {
		case *apiError:
			writeAPIError(w, e)
		case gatewayError:
			writeGateway(w, e)
		default:
			writeAPIError(w, &apiError{Status: http.StatusInternalServerError, Code: "1000", Message: err.Error()})
		}
		return
	}
	common := object{{"requestId", reqID}, {"returnCode", "0"}, {"returnMessage", "success"}}
	var inner object
	if res.commonFirst {
		inner = append(common, res.fields...)
	} else {
		inner = append(res.fields, common...)
	}
	body, err := appendEnvelope(bodies.get(op), op+"Response", inner)
	if err != nil {
		writeAPIError(w, &apiError{Status: http.StatusInternalServerError, Code: "1000", Message: err.Error()})
		return
	}
	writeBody(w, http.StatusOK, body)
	bodies.put(op, body)
}

func (s *Sim) run(fn operation, p params) (result, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rc := p.str("regionCode")
	if rc == "" {
		rc = regions[0].Code // the first region of getRegionList (ncp.md §1.1)
	}
	reg := regionByCode(rc)
	if reg == nil {
		return result{}, "", invalidParam("regionCode", "unknown region %q", rc)
	}
	c := &call{p: p, region: reg, now: s.clock.Now()}
	s.advance(c.now)
	res, err := fn(s, c)
	if res.mutated {
		if serr := s.persist(); serr != nil && err == nil {
			err = &apiError{Status: http.StatusInternalServerError, Code: "1000",
				Message: "Please try your call again later. " + serr.Error()}
		}
	}
	return res, s.requestID(), err
}

// requestID is UUID-shaped and deterministic: a hash of a per-simulator counter.
func (s *Sim) requestID() string {
	s.reqSeq++
	h := sha256.Sum256([]byte("ncloudsim-request-" + strconv.FormatUint(s.reqSeq, 10)))
	h[6] = h[6]&0x0f | 0x40 // version 4 layout
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

// authenticate checks the signature v2 headers; the official SDK sends the
// same signature under the -v1 name, which the gateway accepts (ncp.md §1.2).
func (s *Sim) authenticate(r *http.Request) (gatewayError, bool) {
	ts := r.Header.Get(signature.HeaderTimestamp)
	ak := r.Header.Get(signature.HeaderAccessKey)
	sig := r.Header.Get(signature.HeaderSignatureV2)
	if sig == "" {
		sig = r.Header.Get(signature.HeaderSignatureV1)
	}
	if ts == "" || ak == "" || sig == "" {
		return gwAuth.with("Authentication information is missing."), false
	}
	if ak != s.ak {
		return gwAuth.with("This account is not allowed."), false
	}
	ms, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return gwAuth.with("Invalid timestamp."), false
	}
	if skew := s.authClock.Now().Sub(time.UnixMilli(ms)); skew > maxSkew || skew < -maxSkew {
		return gwAuth.with("The request timestamp is out of the allowed range."), false
	}
	uri := r.RequestURI
	if !strings.HasPrefix(uri, "/") {
		uri = r.URL.RequestURI()
	}
	if !signature.Verify(sig, r.Method, uri, ts, ak, s.sk) {
		return gwAuth.with("Signature does not match."), false
	}
	return gatewayError{}, true
}

// fault asks the injector whether this call fails at the gateway.
func (s *Sim) fault() (gatewayError, bool) {
	switch s.inj.Decide() {
	case simcore.FaultThrottle:
		if b := s.inj.Behaviour(); b.ThrottleRate == 0 && b.RateLimit > 0 {
			return gwRateLimit.with("Rate limit exceeded."), false
		}
		return gwThrottle.with("Throttle limit exceeded."), false
	case simcore.FaultError:
		return gwEndpoint.with("Endpoint is not available."), false
	}
	return gatewayError{}, true
}
