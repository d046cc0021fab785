// Package planfile is the saved plan: the file `fleet plan --out` writes
// and `fleet apply PLAN` reads. Its form (format 2) is kept apart from the
// in-memory planner.Plan and from the public `plan --json` document:
// snake_case keys, no source positions, and no secret (user data appears
// only as its SHA-256). A saved plan is never executed: apply plans again
// from the files, state and clouds it finds, and runs that plan only once
// it equals the saved one (Compare names the first difference). It imports
// planner and spec; nothing in planner imports it.
package planfile
