// Package discover turns servers another tool made (found untagged in a
// cloud account, or read from a Terraform state) into fleet declarations and
// state entries: alike members NAME-1…NAME-N become one count group, the
// rest one entry each. It never calls a provider: the command gathers what
// the clouds report and decides what to record and tag.
package discover
