package signature

import "testing"

// The vectors of shared/api/ncp.md §1.2.
func TestSignVectors(t *testing.T) {
	const (
		ak = "TESTACCESSKEY0000000"
		sk = "TESTSECRETKEY000000000000000000000000000"
		ts = "1700000000000"
	)
	tests := map[string]struct {
		method, uri, want string
	}{
		"get with query": {"GET", "/vserver/v2/getServerInstanceList?regionCode=KR&responseFormatType=json", "NdWhhLel1KYnXaN4hDZ+wC77BvrbSI6W6gqkG8Ra274="},
		"post path only": {"POST", "/vserver/v2/getServerInstanceList", "85bT5sSgj0gQ0NI3G8WcYrKXcFixgvpYlXelTAN0IH8="},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := Sign(tc.method, tc.uri, ts, ak, sk); got != tc.want {
				t.Errorf("Sign = %s, want %s", got, tc.want)
			}
			if !Verify(tc.want, tc.method, tc.uri, ts, ak, sk) {
				t.Error("Verify rejected the vector")
			}
			if Verify(tc.want, tc.method, tc.uri+"x", ts, ak, sk) {
				t.Error("Verify accepted a different URI")
			}
		})
	}
}
