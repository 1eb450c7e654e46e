package conversation

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/resolvebot/resolvebot/bot/messages"
)

// Directory finds the people who act for an agency at a tier and the people
// holding partnership roles. The bot layer implements it from configuration
// and what people tell it in chat.
type Directory interface {
	// StagePeople returns the person ids acting for agency at tier, given
	// the people who acted for that side at the stage below (so a line
	// manager can be found). Returns ENOTFOUND when nobody is known.
	StagePeople(ctx context.Context, agency, tier string, below []string) ([]string, error)
	// IsPartnership reports whether person holds a partnership role.
	IsPartnership(ctx context.Context, person string) (bool, error)
	// PartnershipPeople returns the person ids holding partnership roles.
	PartnershipPeople(ctx context.Context) ([]string, error)
}

// Engine applies commands to cases under one protocol. It is pure: time comes
// from Now and everything it keeps goes through Store. Its protocol,
// calendar and nudge policy (its Rules) are set with Use and may be changed
// with Use while it runs: each reader sees one set or the next, and a case
// already open keeps the deadlines its stages were given.
type Engine struct {
	Store     Store
	Directory Directory
	Now       func() time.Time
	rules     atomic.Pointer[Rules]
	// each holds the partnerships' own rules on a deployment of several
	// (see UseFor), first the id of the first one given; rulesMu
	// serialises their changes.
	each    atomic.Pointer[partnershipRules]
	first   string
	rulesMu sync.Mutex
}

// Rules are what an Engine applies: the protocol, the calendar of working
// days, and the nudge policy that says when the scheduler must look at a
// case (it sets each case's DueAt).
type Rules struct {
	Protocol *Protocol
	Calendar *Calendar
	Nudges   NudgePolicy
}

// Use makes r the engine's rules from now on, for every command that starts
// after it returns. It is safe to call while commands run.
func (e *Engine) Use(r Rules) { e.rules.Store(&r) }

// Rules returns the engine's rules now: zero until Use is called.
func (e *Engine) Rules() Rules {
	if r := e.rules.Load(); r != nil {
		return *r
	}
	return Rules{}
}

// Protocol returns the engine's protocol now (see Use); nil before Use.
func (e *Engine) Protocol() *Protocol { return e.Rules().Protocol }

// Calendar returns the engine's calendar now (see Use); nil before Use.
func (e *Engine) Calendar() *Calendar { return e.Rules().Calendar }

// Nudges returns the engine's nudge policy now (see Use).
func (e *Engine) Nudges() NudgePolicy { return e.Rules().Nudges }

// Result is what a command did.
type Result struct {
	Case   *Case     // the case after the command; nil when none was opened
	Events []Event   // the events the command appended, in order
	Route  RouteKind // set when intake led out of the ladder instead
}

// Cmd identifies who acts on which case. Version, when non-zero, is the case
// version the actor saw; a different current version is a conflict for a
// step that changes where the case stands (see Verb.Appends).
type Cmd struct {
	Actor   string
	CaseID  string
	Version int64
}

func (e *Engine) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

// Actor returns the actor record for person, with their partnership role.
// Returns EINTERNAL if the directory fails.
func (e *Engine) Actor(ctx context.Context, person string) (Actor, error) {
	p, err := e.Directory.IsPartnership(ctx, person)
	if err != nil {
		return Actor{}, Internal("check partnership role", err)
	}
	a := Actor{ID: person, Partnership: p}
	if pd, ok := e.Directory.(PartnershipDirectory); ok && p && len(e.Partnerships()) > 0 {
		if a.PartnershipIDs, err = pd.RolePartnerships(ctx, person); err != nil {
			return Actor{}, Internal("check partnership roles", err)
		}
		if a.PartnershipIDs == nil { // never "every case" on a deployment of several
			a.PartnershipIDs = []string{}
		}
	}
	if ld, ok := e.Directory.(LeadDirectory); ok && person != "" {
		if a.LeadOf, err = ld.LeadAgencies(ctx, person); err != nil {
			return Actor{}, Internal("check safeguarding lead role", err)
		}
	}
	if rd, ok := e.Directory.(RoleDirectory); ok && person != "" {
		if a.Roles, err = rd.Roles(ctx, person); err != nil {
			return Actor{}, Internal("check roles", err)
		}
	}
	return a, nil
}

// Get returns a case the actor may see, for internal reads and rights
// checks: it records nothing for people entitled to the case (a person
// reading a case in full goes through View). Returns ENOTFOUND for an
// unknown id and, in the same words, for someone outside the case, whose
// attempt is recorded in the case's access log.
func (e *Engine) Get(ctx context.Context, actor, id string) (*Case, error) {
	return e.GetFor(ctx, actor, id, "access")
}

// List returns the cases actor may see, newest first, optionally only those
// in statuses: the cases they are involved in; for a partnership role every
// case; for an agency's safeguarding lead also the cases their agencies are
// party to.
func (e *Engine) List(ctx context.Context, actor string, statuses ...Status) ([]*Case, error) {
	a, err := e.Actor(ctx, actor)
	if err != nil {
		return nil, err
	}
	f := CaseFilter{Person: actor, Statuses: statuses}
	if a.Partnership || len(a.LeadOf) > 0 {
		f.Person = ""
	}
	cs, err := e.Store.ListCases(ctx, f)
	if err != nil {
		return nil, Internal("list cases", err)
	}
	if f.Person == "" {
		cs = slices.DeleteFunc(cs, func(c *Case) bool { return !CanSee(c, a) })
	}
	return cs, nil
}

// NormaliseCaseID upper-cases a case id and trims spaces, so "cr-2026-0001"
// finds CR-2026-0001.
func NormaliseCaseID(id string) string { return strings.ToUpper(strings.TrimSpace(id)) }

// notFound turns a store's error reading case id into the engine's: the
// same answer as for a case the person is not part of when there is none.
func notFound(id string, err error) error {
	if ErrorCode(err) == ENOTFOUND {
		return noCase(id)
	}
	return Internal("load case "+safeID(id), err)
}

// safeID keeps an id fit for messages: short and without odd characters.
func safeID(id string) string {
	if utf8.RuneCountInString(id) > 20 {
		id = string([]rune(id)[:20]) + "…"
	}
	return strings.Map(func(r rune) rune {
		if r < ' ' || r == '<' || r == '>' || r == '&' {
			return -1
		}
		return r
	}, id)
}

// deadlines computes a stage's acknowledgement and resolution deadlines
// under rules r.
func deadlines(r Rules, key string, urgency Urgency, start time.Time) (ack, due time.Time) {
	p := r.Protocol
	days, ackDays := p.Referral.Days, p.Referral.AckDays
	if i := p.StageIndex(key); i >= 0 && i < len(p.Stages) {
		s := p.Stages[i]
		days, ackDays = s.Days, s.AckDays
		if urgency == UrgencyUrgent {
			days = s.UrgentDays
		}
	}
	return r.Calendar.AddWorkingDays(start, ackDays), r.Calendar.AddWorkingDays(start, days)
}

// newStage opens a stage record with its deadlines under rules r.
func newStage(r Rules, key string, urgency Urgency, raiser, respondent []string, now time.Time) StageRecord {
	ack, due := deadlines(r, key, urgency, now)
	return StageRecord{Key: key, Raiser: raiser, Respondent: respondent, StartedAt: now, Deadline: due, AckDeadline: ack}
}

// setDue points the due index at the next moment the case needs the
// scheduler: its next nudge under its partnership's rules, or nothing for
// a case that is not active.
func (e *Engine) setDue(c *Case) {
	r := e.RulesOf(c)
	c.DueAt = r.Nudges.NextDue(c, r.Protocol, r.Calendar)
}

// checkText validates a free-text answer and returns it as it will be
// saved (see CleanText): required, without hidden characters, refused if
// they would reorder it, and within max characters.
func checkText(fe FieldErrors, field, v string, max int, missing Text) string {
	valid := utf8.ValidString(v)
	v, reorders := CleanText(v)
	v = strings.TrimSpace(v)
	switch {
	case !valid:
		fe.Add(field, Msg("error.text.unreadable", nil))
	case reorders:
		fe.Add(field, msgReorders)
	case v == "":
		fe.Add(field, missing)
	case utf8.RuneCountInString(v) > max:
		fe.Add(field, Msg("error.text.too_long", messages.Args{"max": max, "length": utf8.RuneCountInString(v)}))
	}
	return v
}

// CheckRaise checks an intake as Raise would, without opening a case: nil
// when Raise would accept it (or it leads out of the ladder). Returns
// EINVALID with field messages for bad input and EINTERNAL on store failure.
func (e *Engine) CheckRaise(ctx context.Context, actor string, in RaiseInput) error {
	in = e.conferenceInside(in)
	if in.Route() != "" {
		return nil
	}
	_, _, err := e.checkRaise(ctx, actor, &in)
	return err
}

// checkRaise validates and cleans an intake that stays on the ladder, and
// loads the raiser and the respondent.
func (e *Engine) checkRaise(ctx context.Context, actor string, in *RaiseInput) (raiser, respondent *Person, err error) {
	fe := FieldErrors{}
	ref, reorders := CleanRef(in.ChildRef)
	in.ChildRef = strings.TrimSpace(ref)
	if reorders {
		fe.Add(FieldChildRef, Msg("error.reference.reorders", nil))
	} else if in.ChildRef == "" {
		fe.Add(FieldChildRef, Msg("error.reference.missing", nil))
	} else if msg := CheckReference(in.ChildRef, e.referenceFormat(ctx, in.RaiserAgency)); msg.Key != "" {
		fe.Add(FieldChildRef, msg)
	} else if utf8.RuneCountInString(in.ChildRef) > MaxChildRef {
		fe.Add(FieldChildRef, Msg("error.reference.too_long", messages.Args{"max": MaxChildRef}))
	}
	in.Decision = checkText(fe, FieldDecision, in.Decision, MaxShortText*5, Msg("error.add.decision", nil))
	in.Concern = checkText(fe, FieldConcern, in.Concern, MaxLongText, Msg("error.add.concern", nil))
	in.Evidence = checkText(fe, FieldEvidence, in.Evidence, MaxLongText, Msg("error.add.evidence", nil))
	in.OutcomeSought = checkText(fe, FieldOutcomeSought, in.OutcomeSought, MaxShortText*5, Msg("error.add.outcome", nil))
	crossBorder, reorders := CleanText(in.CrossBorder)
	in.CrossBorder = strings.TrimSpace(crossBorder)
	if reorders {
		fe.Add(FieldCrossBorder, msgReorders)
	} else if utf8.RuneCountInString(in.CrossBorder) > MaxShortText {
		fe.Add(FieldCrossBorder, Msg("error.text.too_long_short", messages.Args{"max": MaxShortText}))
	}
	if _, rules := e.raiseRules(in.RaiserAgency); !slices.ContainsFunc(rules.Protocol.Categories, func(c Category) bool { return c.Key == in.Category }) {
		fe.Add(FieldCategory, Msg("error.category.choose", nil))
	}
	if in.EvidenceKind != EvidenceDocumented && in.EvidenceKind != EvidenceGutFeeling {
		fe.Add(FieldEvidenceKind, Msg("error.evidence_kind.choose", nil))
	}
	if in.Urgency != UrgencyStandard && in.Urgency != UrgencyUrgent {
		fe.Add(FieldUrgency, Msg("error.urgency.choose", nil))
	}
	if strings.TrimSpace(in.RaiserAgency) == "" {
		fe.Add(FieldRaiserAgency, Msg("error.agency.yours", nil))
	}
	if strings.TrimSpace(in.RespondentAgency) == "" {
		fe.Add(FieldRespondentAgency, Msg("error.agency.theirs", nil))
	}
	raiser, err = e.Store.GetPerson(ctx, actor)
	if err != nil {
		if ErrorCode(err) == ENOTFOUND {
			return nil, nil, Invalid("error.profile_first", nil)
		}
		return nil, nil, Internal("load raiser", err)
	}
	switch {
	case in.RespondentID == "":
		fe.Add(FieldRespondent, Msg("error.respondent.missing", nil))
	case in.RespondentID == actor:
		fe.Add(FieldRespondent, Msg("error.respondent.self", nil))
	default:
		respondent, err = e.Store.GetPerson(ctx, in.RespondentID)
		if ErrorCode(err) == ENOTFOUND {
			fe.Add(FieldRespondent, Msg("error.respondent.unknown", nil))
		} else if err != nil {
			return nil, nil, Internal("load respondent", err)
		}
	}
	if err := fe.Err(); err != nil {
		return nil, nil, err
	}
	return raiser, respondent, nil
}

// Raise opens a case from a validated intake. When the intake leads out of
// the ladder, no case is opened and Result.Route says where to go. Returns
// EINVALID with field messages for bad input (including an unknown
// respondent or raising a case against oneself) and EINTERNAL on store
// failure.
func (e *Engine) Raise(ctx context.Context, actor string, in RaiseInput) (*Result, error) {
	in = e.conferenceInside(in)
	if r := in.Route(); r != "" {
		return &Result{Route: r}, nil
	}
	raiser, respondent, err := e.checkRaise(ctx, actor, &in)
	if err != nil {
		return nil, err
	}

	now := e.now()
	partnership, rules := e.raiseRules(in.RaiserAgency)
	id, err := e.Store.NextCaseID(ctx, now.In(rules.Calendar.Location()).Year())
	if err != nil {
		return nil, Internal("allocate case id", err)
	}
	first := rules.Protocol.Stages[0]
	c := &Case{
		ID:            id,
		Partnership:   partnership,
		ChildRef:      in.ChildRef,
		Raiser:        Party{PersonID: raiser.ID, Name: raiser.Name, Agency: in.RaiserAgency},
		Respondent:    Party{PersonID: respondent.ID, Name: respondent.Name, Agency: in.RespondentAgency},
		Category:      in.Category,
		Decision:      in.Decision,
		Concern:       in.Concern,
		EvidenceKind:  in.EvidenceKind,
		Evidence:      in.Evidence,
		OutcomeSought: in.OutcomeSought,
		Urgency:       in.Urgency,
		Reflection:    in.Reflection,
		// The checklist in the words the raiser answered, for the record.
		ReflectionAsked: slices.Clone(rules.Protocol.ReflectionChecks()),
		FamilyInformed:  in.FamilyInformed,
		CrossBorder:     in.CrossBorder,
		// The respondent's agency in another partnership hosted here makes
		// the case cross-border whatever the raiser typed.
		CrossBorderPartnership: e.crossBorderOf(partnership, in.RespondentAgency),
		SeriousConcern:         in.SeriousConcern,
		Status:                 StatusOpen,
		Stages:                 []StageRecord{newStage(rules, first.Key, in.Urgency, []string{raiser.ID}, []string{respondent.ID}, now)},
		CreatedAt:              now,
		UpdatedAt:              now,
	}
	c.append(Event{Kind: EventRaised, At: now, Actor: actor, Side: SideRaiser, Stage: first.Key,
		Fields: map[string]string{"category": in.Category, "urgency": string(in.Urgency)}})
	if in.SeriousConcern {
		c.append(Event{Kind: EventSeriousConcern, At: now, Stage: first.Key})
	}
	e.setDue(c)
	if err := e.Store.CreateCase(ctx, c); err != nil {
		return nil, Internal("create case "+id, err)
	}
	c.Version = 1
	return &Result{Case: c, Events: slices.Clone(c.Events)}, nil
}

// apply runs fn on the case under the actor's rights for verb, with
// optimistic concurrency, and returns what it appended. fn may be called more
// than once and must only change the case.
func (e *Engine) apply(ctx context.Context, cmd Cmd, verb Verb, fn func(c *Case, a Actor, now time.Time) error) (*Result, error) {
	a, err := e.Actor(ctx, cmd.Actor)
	if err != nil {
		return nil, err
	}
	id := NormaliseCaseID(cmd.CaseID)
	now := e.now()
	var before int
	var outsider error
	c, err := e.Store.UpdateCase(ctx, id, func(c *Case) error {
		outsider = nil
		if !CanSee(c, a) {
			outsider = noCase(id)
		} else if !CanAct(c, a) {
			outsider = readOnly(c, a)
		}
		if outsider != nil {
			return outsider
		}
		if !verb.Appends() && c.ChangedSince(cmd.Version) {
			return errChanged(c.ID)
		}
		if err := e.ProtocolOf(c).Allowed(c, a, verb); err != nil {
			return err
		}
		before = len(c.Events)
		if err := fn(c, a, now); err != nil {
			return err
		}
		c.UpdatedAt = now
		e.setDue(c)
		return nil
	})
	if err != nil {
		if outsider != nil && errors.Is(err, outsider) {
			if rerr := e.refuse(ctx, id, a, string(verb)); ErrorCode(rerr) == EINTERNAL {
				return nil, rerr
			}
			return nil, outsider
		}
		var ce *Error
		if errors.As(err, &ce) && ce.Code != ENOTFOUND {
			return nil, err
		}
		return nil, notFound(id, err)
	}
	return &Result{Case: c, Events: slices.Clone(c.Events[before:])}, nil
}

// errChanged is the conflict of a step taken on a version of case id that
// is no longer current.
func errChanged(id string) error {
	return Conflict("error.case_changed", messages.Args{"case": id})
}

// event builds an event by actor at the case's current stage.
func event(c *Case, kind EventKind, a Actor, now time.Time, text string) Event {
	side := c.SideOf(a.ID)
	if side == "" && a.holdsRoleFor(c) {
		side = SidePartnership
	}
	return Event{Kind: kind, At: now, Actor: a.ID, Side: side, Stage: c.Current().Key, Text: text}
}

// Acknowledge records that the answering side has seen the current stage.
// Returns EFORBIDDEN for anyone not answering at the current stage, EINVALID
// if it is already acknowledged, ECONFLICT on a stale version.
func (e *Engine) Acknowledge(ctx context.Context, cmd Cmd) (*Result, error) {
	return e.apply(ctx, cmd, VerbAcknowledge, func(c *Case, a Actor, now time.Time) error {
		cur := c.Current()
		cur.AcknowledgedAt, cur.AcknowledgedBy = now, a.ID
		c.append(event(c, EventAcknowledged, a, now, ""))
		return nil
	})
}

// Respond records the answering side's response; it acknowledges the stage
// too if nobody had. A response never conflicts: it is saved whatever
// version cmd carries, and when the case moved on since that version so
// that the actor no longer answers at its current stage, their words are
// kept on the timeline as a note (Fields["meant_as"] "respond"). Returns
// EINVALID for empty or over-long text, EFORBIDDEN for anyone not
// answering at the current stage.
func (e *Engine) Respond(ctx context.Context, cmd Cmd, text string) (*Result, error) {
	fe := FieldErrors{}
	text = checkText(fe, "text", text, MaxLongText, Msg("error.add.response", nil))
	if err := fe.Err(); err != nil {
		return nil, err
	}
	res, err := e.apply(ctx, cmd, VerbRespond, func(c *Case, a Actor, now time.Time) error {
		cur := c.Current()
		if !cur.Acknowledged() {
			cur.AcknowledgedAt, cur.AcknowledgedBy = now, a.ID
			c.append(event(c, EventAcknowledged, a, now, ""))
		}
		c.append(event(c, EventResponse, a, now, text))
		return nil
	})
	if code := ErrorCode(err); cmd.Version == 0 || code != EFORBIDDEN && code != EINVALID {
		return res, err
	}
	if note, ok := e.keepAsNote(ctx, cmd, text, VerbRespond); ok {
		return note, nil
	}
	return nil, err
}

// keepAsNote saves the words of a step the actor could no longer take
// because the case moved on since the version they wrote them on (it was
// escalated, resolved or referred meanwhile) as a note, marked with the
// verb meant (Fields["meant_as"]), so nothing they typed is lost. ok is
// false when the case has not moved on or they may not add a note either.
func (e *Engine) keepAsNote(ctx context.Context, cmd Cmd, text string, meant Verb) (*Result, bool) {
	a, err := e.Actor(ctx, cmd.Actor)
	if err != nil {
		return nil, false
	}
	c, err := e.Store.GetCase(ctx, NormaliseCaseID(cmd.CaseID))
	if err != nil || !c.ChangedSince(cmd.Version) || e.ProtocolOf(c).Allowed(c, a, VerbNote) != nil {
		return nil, false
	}
	res, err := e.apply(ctx, Cmd{Actor: cmd.Actor, CaseID: c.ID}, VerbNote, func(c *Case, a Actor, now time.Time) error {
		ev := event(c, EventNote, a, now, text)
		ev.Fields = map[string]string{"meant_as": string(meant)}
		c.append(ev)
		return nil
	})
	return res, err == nil
}

// AddNote adds a note to the timeline. Anyone who can act on the case may,
// until it is closed. A note never conflicts: it is saved whatever version
// cmd carries. Returns EINVALID for empty or over-long text or a closed
// case.
func (e *Engine) AddNote(ctx context.Context, cmd Cmd, text string) (*Result, error) {
	fe := FieldErrors{}
	text = checkText(fe, "text", text, MaxLongText, Msg("error.add.note", nil))
	if err := fe.Err(); err != nil {
		return nil, err
	}
	return e.apply(ctx, cmd, VerbNote, func(c *Case, a Actor, now time.Time) error {
		c.append(event(c, EventNote, a, now, text))
		return nil
	})
}

// EscalateInput moves a case to the next stage. RaiserSide and
// RespondentSide name the next tier's people when the directory does not
// know them.
type EscalateInput struct {
	Reason         string
	RaiserSide     []string
	RespondentSide []string
}

// Escalate moves the case to the next stage of the ladder. The next tier's
// people come from the input or the directory; when neither knows them it
// returns EINVALID with a field message for each side to ask about
// ("raiser_side", "respondent_side"). Returns EINVALID at the last stage.
func (e *Engine) Escalate(ctx context.Context, cmd Cmd, in EscalateInput) (*Result, error) {
	fe := FieldErrors{}
	reason := checkText(fe, "reason", in.Reason, MaxLongText, Msg("error.add.escalation_reason", nil))
	if err := fe.Err(); err != nil {
		return nil, err
	}
	// Look the people up before the update, as the directory may be slow.
	c, err := e.GetFor(ctx, cmd.Actor, cmd.CaseID, string(VerbEscalate))
	if err != nil {
		return nil, err
	}
	a, err := e.Actor(ctx, cmd.Actor)
	if err != nil {
		return nil, err
	}
	if CanAct(c, a) && c.ChangedSince(cmd.Version) {
		return nil, errChanged(c.ID)
	}
	p := e.ProtocolOf(c)
	if err := p.Allowed(c, a, VerbEscalate); err != nil {
		return nil, err
	}
	next := p.Stages[p.StageIndex(c.Current().Key)+1]
	raiserSide, err := e.stagePeople(ctx, in.RaiserSide, c.Raiser.Agency, next.RaiserTier, c.Current().Raiser)
	if err != nil {
		return nil, err
	}
	respondentSide, err := e.stagePeople(ctx, in.RespondentSide, c.Respondent.Agency, next.RespondentTier, c.Current().Respondent)
	if err != nil {
		return nil, err
	}
	if len(raiserSide) == 0 {
		fe.Add("raiser_side", Msg("error.escalate.raiser_side", messages.Args{"role": tierName(next.RaiserTier), "agency": c.Raiser.Agency}))
	}
	if len(respondentSide) == 0 {
		fe.Add("respondent_side", Msg("error.escalate.respondent_side", messages.Args{"role": tierName(next.RespondentTier), "agency": c.Respondent.Agency}))
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	if cmd.Version == 0 {
		cmd.Version = c.Version
	}
	return e.apply(ctx, cmd, VerbEscalate, func(c *Case, a Actor, now time.Time) error {
		from := c.Current().Key
		ev := event(c, EventEscalated, a, now, reason)
		ev.Fields = map[string]string{"from": from, "to": next.Key}
		if c.Resolution != nil && !c.Resolution.Confirmed {
			c.Resolution = nil
		}
		c.Stages = append(c.Stages, newStage(e.RulesOf(c), next.Key, c.Urgency, raiserSide, respondentSide, now))
		ev.Stage = next.Key
		c.append(ev)
		return nil
	})
}

// stagePeople returns explicit people if given (each must be known),
// otherwise asks the directory.
func (e *Engine) stagePeople(ctx context.Context, explicit []string, agency, tier string, below []string) ([]string, error) {
	if len(explicit) > 0 {
		for _, id := range explicit {
			if _, err := e.Store.GetPerson(ctx, id); err != nil {
				if ErrorCode(err) == ENOTFOUND {
					return nil, Invalid("error.person_unknown", messages.Args{"person": safeID(id)})
				}
				return nil, Internal("load person", err)
			}
		}
		return explicit, nil
	}
	ids, err := e.Directory.StagePeople(ctx, agency, tier, below)
	if err != nil && ErrorCode(err) != ENOTFOUND {
		return nil, Internal("look up "+tier, err)
	}
	return ids, nil
}

func tierName(t string) string { return strings.ReplaceAll(t, "_", " ") }

// ProposeResolution records a proposed way forward for the other side to
// confirm or dispute. Each action's OwnerID, when set, must be a known
// person (their name is recorded as Owner), and its Due day, when set, a
// day after today; once the resolution is confirmed the owner is reminded
// of it (see NudgeActionBefore). Returns EINVALID for an empty way forward
// or bad actions.
func (e *Engine) ProposeResolution(ctx context.Context, cmd Cmd, wayForward string, actions []ResolutionAction) (*Result, error) {
	fe := FieldErrors{}
	wayForward = checkText(fe, "way_forward", wayForward, MaxLongText, Msg("error.add.way_forward", nil))
	today := e.Calendar().midnight(e.now())
	for i := range actions {
		actions[i].Description = checkText(fe, fmt.Sprintf("actions[%d]", i), actions[i].Description, MaxShortText*2, Msg("error.add.action", nil))
		if id := actions[i].OwnerID; id != "" {
			per, err := e.Store.GetPerson(ctx, id)
			switch {
			case ErrorCode(err) == ENOTFOUND:
				fe.Add(fmt.Sprintf("actions[%d].owner", i), Msg("error.action.owner_unknown", nil))
				continue
			case err != nil:
				return nil, Internal("load action owner", err)
			}
			actions[i].Owner = per.Name
		}
		actions[i].Owner = checkText(fe, fmt.Sprintf("actions[%d].owner", i), actions[i].Owner, MaxShortText, Msg("error.add.action_owner", nil))
		if d := actions[i].Due; !d.IsZero() && !e.Calendar().midnight(d).After(today) {
			fe.Add(fmt.Sprintf("actions[%d].due", i), Msg("error.action.due_past", nil))
		}
		actions[i].DoneAt, actions[i].DoneBy = time.Time{}, ""
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	return e.apply(ctx, cmd, VerbPropose, func(c *Case, a Actor, now time.Time) error {
		c.Resolution = &Resolution{WayForward: wayForward, Actions: slices.Clone(actions),
			ProposedBy: a.ID, ProposedBySide: c.SideOf(a.ID), ProposedAt: now}
		ev := event(c, EventResolutionProposed, a, now, wayForward)
		ev.Fields = map[string]string{"actions": strconv.Itoa(len(actions))}
		c.append(ev)
		return nil
	})
}

// ConfirmResolution agrees the proposed resolution and resolves the case.
// Only the other side at the current stage may confirm.
func (e *Engine) ConfirmResolution(ctx context.Context, cmd Cmd) (*Result, error) {
	return e.apply(ctx, cmd, VerbConfirm, func(c *Case, a Actor, now time.Time) error {
		c.Resolution.Confirmed, c.Resolution.ConfirmedBy, c.Resolution.ConfirmedAt = true, a.ID, now
		c.Status = StatusResolved
		c.append(event(c, EventResolutionConfirmed, a, now, ""))
		return nil
	})
}

// DisputeResolution turns down the proposed resolution with a reason; the
// case stays at its stage. Returns EINVALID without a reason.
func (e *Engine) DisputeResolution(ctx context.Context, cmd Cmd, reason string) (*Result, error) {
	fe := FieldErrors{}
	reason = checkText(fe, "reason", reason, MaxLongText, Msg("error.add.dispute_reason", nil))
	if err := fe.Err(); err != nil {
		return nil, err
	}
	return e.apply(ctx, cmd, VerbDispute, func(c *Case, a Actor, now time.Time) error {
		c.Resolution = nil
		c.append(event(c, EventResolutionDisputed, a, now, reason))
		return nil
	})
}

// Withdraw ends the case at the raising side's request. Returns EINVALID
// without a reason.
func (e *Engine) Withdraw(ctx context.Context, cmd Cmd, reason string) (*Result, error) {
	fe := FieldErrors{}
	reason = checkText(fe, "reason", reason, MaxLongText, Msg("error.add.withdraw_reason", nil))
	if err := fe.Err(); err != nil {
		return nil, err
	}
	return e.apply(ctx, cmd, VerbWithdraw, func(c *Case, a Actor, now time.Time) error {
		c.Status = StatusWithdrawn
		c.append(event(c, EventWithdrawn, a, now, reason))
		return nil
	})
}

// ReferToPartnership refers the case formally to the partnership. The
// partnership then sees from the timeline whether the earlier stages were
// followed. Returns EINVALID without a reason.
func (e *Engine) ReferToPartnership(ctx context.Context, cmd Cmd, reason string) (*Result, error) {
	fe := FieldErrors{}
	reason = checkText(fe, "reason", reason, MaxLongText, Msg("error.add.refer_reason", nil))
	if err := fe.Err(); err != nil {
		return nil, err
	}
	return e.apply(ctx, cmd, VerbRefer, func(c *Case, a Actor, now time.Time) error {
		cur := c.Current()
		ev := event(c, EventReferred, a, now, reason)
		p := e.ProtocolOf(c)
		ev.Fields = map[string]string{"from": cur.Key,
			"stages_followed": strconv.Itoa(p.StageIndex(cur.Key)+1) + "/" + strconv.Itoa(len(p.Stages))}
		c.Stages = append(c.Stages, newStage(e.RulesOf(c), ReferralStageKey, c.Urgency, slices.Clone(cur.Raiser), slices.Clone(cur.Respondent), now))
		c.Status = StatusReferred
		ev.Stage = ReferralStageKey
		c.append(ev)
		return nil
	})
}

// AcceptReferral, for the partnership, takes the referral to the
// partnership body's next meeting. The agencies stay the decision-makers.
func (e *Engine) AcceptReferral(ctx context.Context, cmd Cmd, note string) (*Result, error) {
	fe := FieldErrors{}
	if strings.TrimSpace(note) != "" {
		note = checkText(fe, "text", note, MaxLongText, Msg("error.add.note", nil))
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	return e.apply(ctx, cmd, VerbAcceptReferral, func(c *Case, a Actor, now time.Time) error {
		cur := c.Current()
		if !cur.Acknowledged() {
			cur.AcknowledgedAt, cur.AcknowledgedBy = now, a.ID
		}
		ev := event(c, EventReferralAccepted, a, now, note)
		ev.Fields = map[string]string{"body": e.ProtocolOf(c).Referral.Body}
		c.append(ev)
		return nil
	})
}

// ReturnReferral, for the partnership, sends a referral back to a ladder
// stage with advice on what to follow first. Returns EINVALID for an unknown
// stage or no advice.
func (e *Engine) ReturnReferral(ctx context.Context, cmd Cmd, stageKey, advice string) (*Result, error) {
	fe := FieldErrors{}
	advice = checkText(fe, "text", advice, MaxLongText, Msg("error.add.advice", nil))
	if err := fe.Err(); err != nil {
		return nil, err
	}
	return e.apply(ctx, cmd, VerbReturnReferral, func(c *Case, a Actor, now time.Time) error {
		// The stage is one of the case's own partnership's ladder.
		if idx, p := e.ProtocolOf(c).StageIndex(stageKey), e.ProtocolOf(c); idx < 0 || idx >= len(p.Stages) {
			fe := FieldErrors{}
			fe.Add("stage", Msg("error.return.stage", nil))
			return fe.Err()
		}
		raiser, respondent := c.Current().Raiser, c.Current().Respondent
		for i := len(c.Stages) - 1; i >= 0; i-- { // the people who last held that stage
			if c.Stages[i].Key == stageKey {
				raiser, respondent = c.Stages[i].Raiser, c.Stages[i].Respondent
				break
			}
		}
		ev := event(c, EventReferralReturned, a, now, advice)
		ev.Fields = map[string]string{"to": stageKey}
		c.append(ev)
		c.Stages = append(c.Stages, newStage(e.RulesOf(c), stageKey, c.Urgency, slices.Clone(raiser), slices.Clone(respondent), now))
		c.Status = StatusOpen
		return nil
	})
}

// RequestMediation asks the partnership for mediation or a restorative
// facilitator, for a case the managers could not resolve.
func (e *Engine) RequestMediation(ctx context.Context, cmd Cmd, reason string) (*Result, error) {
	return e.RequestMediationWith(ctx, cmd, MediationInput{Reason: reason})
}

// OfferMediation, for the partnership, offers a mediator or restorative
// facilitator. The partnership never becomes the case's decision-maker.
func (e *Engine) OfferMediation(ctx context.Context, cmd Cmd, note string) (*Result, error) {
	fe := FieldErrors{}
	note = checkText(fe, "text", note, MaxLongText, Msg("error.add.mediator", nil))
	if err := fe.Err(); err != nil {
		return nil, err
	}
	return e.apply(ctx, cmd, VerbOfferMediation, func(c *Case, a Actor, now time.Time) error {
		c.Mediation = true
		c.append(event(c, EventMediationOffered, a, now, note))
		return nil
	})
}

// Reassign hands someone's place at the current stage to another known
// person on the same side. Returns EINVALID if from is not at the stage or
// to is unknown or already there.
func (e *Engine) Reassign(ctx context.Context, cmd Cmd, from, to, reason string) (*Result, error) {
	fe := FieldErrors{}
	reason = checkText(fe, "reason", reason, MaxLongText, Msg("error.add.reassign_reason", nil))
	if to == "" {
		fe.Add("to", Msg("error.reassign.missing", nil))
	} else if _, err := e.Store.GetPerson(ctx, to); ErrorCode(err) == ENOTFOUND {
		fe.Add("to", Msg("error.reassign.unknown", nil))
	} else if err != nil {
		return nil, Internal("load person", err)
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	return e.apply(ctx, cmd, VerbReassign, func(c *Case, a Actor, now time.Time) error {
		side := c.SideOf(from)
		if side == "" {
			return Invalid("refusal.reassign.not_at_stage", nil)
		}
		if !a.holdsRoleFor(c) && c.SideOf(a.ID) != side {
			return Forbidden("refusal.reassign.own_side", nil)
		}
		if c.SideOf(to) != "" {
			return Invalid("refusal.reassign.already_there", nil)
		}
		cur := c.Current()
		people := &cur.Raiser
		if side == SideRespondent {
			people = &cur.Respondent
		}
		*people = slices.Clone(*people)
		(*people)[slices.Index(*people, from)] = to
		ev := event(c, EventReassigned, a, now, reason)
		ev.Fields = map[string]string{"from": from, "to": to, "side": string(side)}
		c.append(ev)
		return nil
	})
}

// MaxExtensionDays is the longest single deadline extension, in working days.
const MaxExtensionDays = 20

// ExtendDeadline moves the current stage's deadline on by days working days.
// A reason is required. Returns EINVALID for a missing reason or days out of
// range.
func (e *Engine) ExtendDeadline(ctx context.Context, cmd Cmd, days int, reason string) (*Result, error) {
	fe := FieldErrors{}
	reason = checkText(fe, "reason", reason, MaxLongText, Msg("error.add.extension_reason", nil))
	if days < 1 || days > MaxExtensionDays {
		fe.Add("days", Msg("error.extension.days", messages.Args{"max": MaxExtensionDays}))
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	return e.apply(ctx, cmd, VerbExtend, func(c *Case, a Actor, now time.Time) error {
		cur := c.Current()
		from := cur.Deadline
		base := from
		if base.Before(now) {
			base = now
		}
		cur.Deadline = e.CalendarOf(c).AddWorkingDays(base, days)
		cur.Overdue = false
		ev := event(c, EventDeadlineExtended, a, now, reason)
		ev.Fields = map[string]string{"from": from.Format(time.RFC3339), "to": cur.Deadline.Format(time.RFC3339), "days": strconv.Itoa(days)}
		c.append(ev)
		return nil
	})
}

// Close, for the partnership, closes a case for good with a reason.
func (e *Engine) Close(ctx context.Context, cmd Cmd, reason string) (*Result, error) {
	fe := FieldErrors{}
	reason = checkText(fe, "reason", reason, MaxLongText, Msg("error.add.close_reason", nil))
	if err := fe.Err(); err != nil {
		return nil, err
	}
	return e.apply(ctx, cmd, VerbClose, func(c *Case, a Actor, now time.Time) error {
		c.Status = StatusClosed
		c.append(event(c, EventClosed, a, now, reason))
		return nil
	})
}
