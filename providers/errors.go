package providers

import (
	"errors"
	"fmt"
	"time"
)

var (
	// ErrNotFound: the resource does not exist (any more).
	ErrNotFound = errors.New("not found")
	// ErrConflict: the resource is in a state that does not allow the action.
	ErrConflict = errors.New("state conflict")
	// ErrFailed: the resource ended in a failure state while being waited on.
	ErrFailed = errors.New("resource failed")
	// ErrUnsupported: the cloud has no call for the change (NCP cannot
	// change a server's description, where its owner tag lives).
	ErrUnsupported = errors.New("not supported by the cloud")
)

// APIError is an error answer from a cloud API, after retries.
type APIError struct {
	Provider   string        // "ncloud" or "nhncloud"
	Operation  string        // the API operation, e.g. createServerInstances or "POST /servers"
	Status     int           // HTTP status
	Code       string        // the cloud's own code (NCP errorCode/returnCode, Nova fault name)
	Message    string        // the cloud's message, verbatim
	RequestID  string        // when the cloud sent one
	Retryable  bool          // 429, 5xx and the documented "try again" codes
	RetryAfter time.Duration // from Retry-After, when sent
	Address    string        // the fleet address concerned, when known
	Err        error         // ErrNotFound or ErrConflict when the answer means that
}

func (e *APIError) Error() string {
	s := fmt.Sprintf("%s %s: HTTP %d", e.Provider, e.Operation, e.Status)
	if e.Code != "" {
		s += " code " + e.Code
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Address != "" {
		s = e.Address + ": " + s
	}
	return s
}

func (e *APIError) Unwrap() error { return e.Err }
