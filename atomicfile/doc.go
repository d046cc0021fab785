// Package atomicfile replaces files so that a crash at any instant leaves
// either the old contents or the new, never a mix: the state file, saved
// plans and the simulators' data all go through it.
//
// It knows nothing of what the files hold.
package atomicfile
