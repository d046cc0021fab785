// Package ncloudsim is an HTTP simulator of the NAVER Cloud Platform Server
// (VPC) API, vserver/v2, as shared/api/ncp.md and the NCP seeds describe it:
// signature v2 checks, the gateway's and the service's error bodies, the
// `{"<op>Response": ...}` envelope the official SDK can parse, status codes
// that move over time on an injectable clock, per-region resources, fault
// injection and atomic persistence. It must agree with the documents, not
// with fleet's client; it imports nothing of fleet but simcore and signature.
package ncloudsim
