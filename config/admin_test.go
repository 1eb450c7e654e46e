package config

import "testing"

// TestAdminAddr: the admin listener defaults to loopback, each layer can
// move it, "off" turns it off, and a bad or clashing address is an error
// placed where it was set.
func TestAdminAddr(t *testing.T) {
	file := writeFile(t, "admin_addr: \"0.0.0.0:9100\"\n")
	offFile := writeFile(t, "admin_addr: off\n")
	tests := []struct {
		name    string
		path    string
		env     map[string]string
		opts    Options
		want    string
		set     bool
		problem string // an error expected instead, at this place
	}{
		{"default", "", nil, Options{}, DefaultAdminAddr, false, ""},
		{"file", file, nil, Options{}, "0.0.0.0:9100", true, ""},
		{"env over file", file, map[string]string{EnvAdminAddr: ":9200"}, Options{}, ":9200", true, ""},
		{"option over env", file, map[string]string{EnvAdminAddr: ":9200"}, Options{AdminAddr: ":9300"}, ":9300", true, ""},
		{"off in the file", offFile, nil, Options{}, "", true, ""},
		{"off in the env", "", map[string]string{EnvAdminAddr: "OFF"}, Options{}, "", true, ""},
		{"off as an option", file, nil, Options{AdminAddr: AdminOff}, "", true, ""},
		{"not an address", "", map[string]string{EnvAdminAddr: "9090"}, Options{}, "", false, "env RESOLVEBOT_ADMIN_ADDR admin_addr: "},
		{"same as addr", "", map[string]string{EnvAddr: ":9090", EnvAdminAddr: ":9090"}, Options{}, "", false, "env RESOLVEBOT_ADMIN_ADDR admin_addr: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := tt.opts
			opts.Path, opts.Getenv = tt.path, env(tt.env)
			if tt.problem != "" {
				_, probs, err := Load(opts)
				if err == nil || !hasProblem(probs, SeverityError, tt.problem) {
					t.Errorf("want an error at %q; got:\n%s", tt.problem, probs)
				}
				return
			}
			cfg, _ := mustLoad(t, opts)
			if cfg.AdminAddr != tt.want || cfg.AdminAddrSet != tt.set {
				t.Errorf("admin addr %q (set %v), want %q (set %v)", cfg.AdminAddr, cfg.AdminAddrSet, tt.want, tt.set)
			}
		})
	}
}
