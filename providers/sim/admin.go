package sim

import (
	"encoding/json"
	"net/http"

	"github.com/fleet-iac/fleet/providers/simcore"
)

// Stats is the document GET /_sim/stats answers.
type Stats struct {
	NCloud   simcore.StatsSnapshot `json:"ncloud"`
	NHNCloud simcore.StatsSnapshot `json:"nhncloud"`
}

// Stats returns both simulators' call counters.
func (s *Server) Stats() Stats {
	return Stats{NCloud: s.NCP.Stats().Snapshot(), NHNCloud: s.NHN.Stats().Snapshot()}
}

// ResetStats zeroes both counters.
func (s *Server) ResetStats() {
	s.NCP.Stats().Reset()
	s.NHN.Stats().Reset()
}

func (s *Server) adminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+AdminPrefix+"/stats", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, s.Stats())
	})
	mux.HandleFunc("POST "+AdminPrefix+"/stats/reset", func(w http.ResponseWriter, r *http.Request) {
		s.ResetStats()
		writeJSON(w, http.StatusOK, s.Stats())
	})
	mux.HandleFunc("GET "+AdminPrefix+"/behaviour", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, s.NCP.Injector().Behaviour())
	})
	mux.HandleFunc("POST "+AdminPrefix+"/behaviour", func(w http.ResponseWriter, r *http.Request) {
		// A partial body changes only the fields it names: it is decoded
		// over the current behaviour, so a latency change keeps build_time.
		s.adminMu.Lock()
		defer s.adminMu.Unlock()
		b := s.NCP.Injector().Behaviour()
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&b); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "behaviour: " + err.Error()})
			return
		}
		s.SetBehaviour(b)
		writeJSON(w, http.StatusOK, b)
	})
	mux.HandleFunc("GET "+AdminPrefix+"/timeline", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"events": s.Timeline.Events()})
	})
	mux.HandleFunc("POST "+AdminPrefix+"/timeline/reset", func(w http.ResponseWriter, r *http.Request) {
		s.Timeline.Reset()
		w.WriteHeader(http.StatusNoContent)
	})
	return mux
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}
