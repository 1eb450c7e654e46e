package conversation

import "regexp"

// caseIDPattern is the shape of the ids NextCaseID gives out: CR-, the
// year, a dash and a number of at least four digits.
var caseIDPattern = regexp.MustCompile(`^CR-[0-9]{4}-[0-9]{4,9}$`)

// IsCaseID reports whether id has the shape of a case id such as
// CR-2026-0042. Logs, metrics and traces keep only ids that pass, so
// text a person typed where an id belongs never reaches them.
func IsCaseID(id string) bool { return caseIDPattern.MatchString(id) }
