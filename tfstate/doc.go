// Package tfstate reads a Terraform or OpenTofu state (format version 4) and
// maps the NCP and NHN Cloud resources fleet models to cloud ids: servers,
// their volumes, keys and public IPs. It reports every resource it cannot
// map and why. It reads the file only; what the cloud holds now is the
// command's business.
package tfstate
