// Package pgapply proves shared state on PostgreSQL end to end: the fleet
// binary (the test binary re-executed as fleet) applies fleets against the
// in-process simulators with state: {backend: postgres}, and the tests check
// what issue 7 promises across processes and "machines" (working
// directories): one state for all, one apply at a time, no lock outliving
// its holder or its connection, state push/pull, and a DSN never shown.
//
// The tests need a PostgreSQL server: FLEET_TEST_PG_DSN names it (.ci/postgres.sh
// starts one); without it they skip.
package pgapply
