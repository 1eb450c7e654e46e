package config

import "strings"

// validateAdminAddr checks admin_addr, turns "off" into "" and notes
// whether it was chosen rather than defaulted.
func validateAdminAddr(cfg *Config, col *collector) {
	_, cfg.AdminAddrSet = col.origin["admin_addr"]
	if strings.EqualFold(cfg.AdminAddr, AdminOff) {
		cfg.AdminAddr = ""
		return
	}
	if err := checkAddr(cfg.AdminAddr); err != nil {
		col.errorAt("admin_addr", "%v, or %s to turn the admin listener off", err, AdminOff)
		return
	}
	if cfg.AdminAddr == cfg.Addr {
		col.errorAt("admin_addr", "%q is also addr, the platforms' public listener; give the admin listener its own port", cfg.AdminAddr)
	}
}
