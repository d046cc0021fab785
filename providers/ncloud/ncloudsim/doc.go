// Package ncloudsim is an HTTP simulator of the NAVER Cloud Platform Server
// (VPC) API, vserver/v2, as shared/api/ncp.md and the NCP seeds describe it:
// signature v2, the gateway's and the service's error bodies, the envelope the
// official SDK can parse, status codes moving on an injectable clock, regions,
// fault injection and atomic persistence. It agrees with the documents, not
// with fleet's client, and imports nothing of fleet but simcore and signature.
// README.md lists every operation it serves (servers, the catalog, block
// storage, member images, login keys, network interfaces, ACGs, init
// scripts, and the VPC API's reads of VPCs, subnets, network ACLs and route
// tables) and what it decides where the documents are silent. Its answers
// decode into the official Go SDK's declared types (sdktypes_test.go).
package ncloudsim
