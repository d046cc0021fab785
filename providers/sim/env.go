package sim

import (
	"fmt"
	"strings"

	"github.com/fleet-iac/fleet/providers/simcore"
)

// Var is one environment variable of the env file.
type Var struct{ Name, Value string }

// Env returns the variables that point fleet and the clouds' own tools at
// this simulator, in a fixed order: endpoints and credentials, then the ids a
// fleet file needs, then the admin endpoint.
func (s *Server) Env() []Var {
	ak, sk := s.NCP.Credentials()
	user, pass, tenant := s.NHN.Credentials()
	nf, hf := s.NCP.Fixtures(), s.NHN.Fixtures()
	return []Var{
		{"NCLOUD_API_GW", s.URL},
		{"NCLOUD_ACCESS_KEY", ak},
		{"NCLOUD_SECRET_KEY", sk},
		{"NCLOUD_REGION", nf.Region},
		{"OS_AUTH_URL", s.NHN.AuthURL(s.URL)},
		{"OS_TENANT_ID", tenant},
		{"OS_USERNAME", user},
		{"OS_PASSWORD", pass},
		{"OS_REGION_NAME", hf.Region},
		{"FLEET_SIM_NCP_VPC", nf.VPC},
		{"FLEET_SIM_NCP_SUBNET", nf.Subnet},
		{"FLEET_SIM_NCP_ACG", nf.ACG},
		{"FLEET_SIM_NCP_IMAGE", nf.Image},
		{"FLEET_SIM_NCP_SPEC", nf.Spec},
		{"FLEET_SIM_NHN_IMAGE", hf.Image},
		{"FLEET_SIM_NHN_NETWORK", hf.Network},
		{"FLEET_SIM_NHN_SUBNET", hf.Subnet},
		{"FLEET_SIM_NHN_FLAVOR", hf.Flavor},
		{"FLEET_SIM_NHN_ZONE", hf.Zone},
		{"FLEET_SIM_ADMIN", s.URL + AdminPrefix},
	}
}

// EnvFile renders Env as KEY=VALUE lines that `set -a; . ./sim.env` reads.
func (s *Server) EnvFile() string {
	var b strings.Builder
	b.WriteString("# written by fleet sim: endpoints and credentials of the local simulators\n")
	for _, v := range s.Env() {
		fmt.Fprintf(&b, "%s=%s\n", v.Name, shellQuote(v.Value))
	}
	return b.String()
}

// WriteEnvFile writes EnvFile to path with mode 0600 (it holds credentials).
func (s *Server) WriteEnvFile(path string) error {
	return simcore.WriteFileAtomic(path, []byte(s.EnvFile()), 0o600)
}

func shellQuote(v string) string {
	if v != "" && strings.IndexFunc(v, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:@,+=", r))
	}) < 0 {
		return v
	}
	return "'" + strings.ReplaceAll(v, "'", `'\''`) + "'"
}
