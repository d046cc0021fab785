package command

import (
	"errors"

	"github.com/fleet-iac/fleet/providers"
	"github.com/fleet-iac/fleet/spec"
)

// opTitle is an operation's name at the start of a line: "Destroy" for
// destroy ("Destroy complete: ...", "Destroy interrupted").
func opTitle(op string) string {
	switch op {
	case "destroy":
		return "Destroy"
	case "reboot":
		return "Reboot"
	}
	return "Apply"
}

// failedOn is what apply_errored names of why a run failed, from typed
// values only: the cloud's code and the address its answer concerned when
// a cloud refused a call (a refresh's list, a login), else the address of
// the first error diagnostic that names one.
func failedOn(err error, diags spec.Diagnostics) (address, code string) {
	var ae *providers.APIError
	if errors.As(err, &ae) {
		address, code = ae.Address, ae.Code
	}
	for _, d := range diags {
		if address == "" && d.Severity == spec.SeverityError && d.Address != "" {
			address = d.Address
		}
	}
	return address, code
}
