package conversation

// conferenceInside returns in as the protocol handles it: where the
// protocol covers decisions at multi-agency meetings (Protocol.Conference),
// a conference decision opens a case in the conference category rather
// than leading out to a dissent procedure.
func (e *Engine) conferenceInside(in RaiseInput) RaiseInput {
	_, rules := e.raiseRules(in.RaiserAgency)
	conf := rules.Protocol.Conference
	if conf == nil || (in.About != AboutCPConference && in.About != AboutConference) {
		return in
	}
	in.About = AboutConference
	in.Category = conf.Category
	return in
}

// ConferenceGuidance returns the protocol's guidance for a case in its
// conference category, or "" when the protocol has none or the case is in
// another category.
func (p *Protocol) ConferenceGuidance(category string) string {
	if p.Conference == nil || p.Conference.Category != category {
		return ""
	}
	return p.Conference.Guidance
}
