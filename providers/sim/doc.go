// Package sim serves both cloud simulators from one HTTP server: the NCP
// API gateway at the root (/vserver/v2, /vpc/v2), NHN Cloud under /nhn
// (Keystone, Nova, Cinder, Glance), and an admin API under /_sim (call
// counters, behaviour, the status timeline). POST /_sim/behaviour merges
// the fields its body names into the current behaviour; a body it refuses
// changes nothing. `fleet sim` runs it for people; a provider with
// `endpoint: embedded` runs it in-process on loopback.
package sim
