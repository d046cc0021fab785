// Package signature computes NCP API Gateway request signatures (v2):
// base64(HMAC-SHA256(secret, "METHOD URI\nTIMESTAMP\nACCESSKEY")). The
// client signs with it and the simulator checks with it; the test vectors of
// shared/api/ncp.md §1.2 pin it.
package signature
