package signature

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
)

// Header names of the API Gateway.
const (
	HeaderTimestamp   = "x-ncp-apigw-timestamp"
	HeaderAccessKey   = "x-ncp-iam-access-key"
	HeaderSignatureV2 = "x-ncp-apigw-signature-v2"
	// HeaderSignatureV1 is the name the official Go SDK sends for vserver
	// with the same v2 algorithm; the gateway accepts both.
	HeaderSignatureV1 = "x-ncp-apigw-signature-v1"
)

// Sign returns the signature of one request. requestURI is the path plus
// "?" and the raw query when there is one (url.URL.RequestURI()); the body is
// never signed. timestamp is Unix milliseconds as decimal text.
func Sign(method, requestURI, timestamp, accessKey, secretKey string) string {
	mac := hmac.New(sha256.New, []byte(secretKey))
	mac.Write([]byte(method + " " + requestURI + "\n" + timestamp + "\n" + accessKey))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Verify reports whether sig is the signature of the request, in constant time.
func Verify(sig, method, requestURI, timestamp, accessKey, secretKey string) bool {
	want := Sign(method, requestURI, timestamp, accessKey, secretKey)
	return hmac.Equal([]byte(sig), []byte(want))
}
