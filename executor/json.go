package executor

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
)

// EventFormatVersion is the version of the JSON progress events. Fields
// are only ever added; a change to an existing one bumps it.
const EventFormatVersion = "1"

// JSONObserver writes one JSON object per event and per line, for programs.
type JSONObserver struct {
	// Operation names the run in apply_finished's summary, as the CLI's
	// closing line does ("Destroy complete: 2 deleted."); "" is "Apply".
	Operation string

	mu  sync.Mutex
	enc *json.Encoder
}

var _ Observer = (*JSONObserver)(nil)

// NewJSONObserver writes to w.
func NewJSONObserver(w io.Writer) *JSONObserver {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // cloud messages are read by people too
	return &JSONObserver{enc: enc}
}

// jsonEvent is the wire form of an Event. Field names are stable.
type jsonEvent struct {
	FormatVersion string    `json:"format_version"`
	Event         EventKind `json:"event"`
	Time          string    `json:"time,omitempty"` // RFC 3339, UTC
	ActionID      string    `json:"action,omitempty"`
	Address       string    `json:"address,omitempty"`
	Type          string    `json:"type,omitempty"`
	CloudID       string    `json:"cloud_id,omitempty"`
	ElapsedMS     int64     `json:"elapsed_ms,omitempty"`
	Left          []string  `json:"left,omitempty"` // action_still_running of a batch create
	Error         string    `json:"error,omitempty"`
	Code          string    `json:"code,omitempty"` // action_failed: the cloud's own error code
	Cause         string    `json:"cause,omitempty"`
	Serial        uint64    `json:"serial,omitempty"`
	Tally         *Tally    `json:"tally,omitempty"`   // apply_finished
	Summary       string    `json:"summary,omitempty"` // apply_finished: the tally as people read it
	Done          int       `json:"done"`
	Total         int       `json:"total"`
}

// Observe writes ev as one line.
func (o *JSONObserver) Observe(ev Event) {
	je := jsonEvent{
		FormatVersion: EventFormatVersion,
		Event:         ev.Kind,
		ActionID:      ev.ActionID,
		Address:       ev.Address,
		Type:          string(ev.Type),
		CloudID:       ev.CloudID,
		ElapsedMS:     ev.Elapsed.Milliseconds(),
		Left:          ev.Left,
		Cause:         ev.Cause,
		Serial:        ev.Serial,
		Tally:         ev.Tally,
		Done:          ev.Done,
		Total:         ev.Total,
	}
	if !ev.Time.IsZero() {
		je.Time = ev.Time.UTC().Format(time.RFC3339Nano)
	}
	if ev.Err != nil {
		je.Error = ev.Err.Error()
	}
	var fail Failure
	if errors.As(ev.Err, &fail) {
		// The cause as the step gave it: address and code have their fields.
		je.Error, je.Code = fmt.Sprint(fail.Err), fail.Code
	}
	if ev.Tally != nil {
		je.Summary = ev.Tally.String()
		if o.Operation != "" {
			je.Summary = ev.Tally.Summary(o.Operation)
		}
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	// An encoder error means the reader went away; progress is best effort.
	_ = o.enc.Encode(je)
}
