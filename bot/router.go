package bot

import (
	"context"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

// Inbound is one thing a person did in chat, already mapped to their person
// id by the adapter. Exactly one of Text, Verb or FormKey is set.
type Inbound struct {
	Actor string
	// Text is a typed command: "list", "status CR-2026-0001", "ack CR-2026-0001".
	Text string
	// Verb, CaseID and Version describe a button press.
	Verb    conversation.Verb
	CaseID  string
	Version int64
	// FormKey and Values describe a form submission; CaseID and Version say
	// which case an action form acts on.
	FormKey string
	Values  map[string]string
	// Damaged marks a button press whose value the adapter could not read
	// (tampered, or from an older card); CaseID holds the case id it seemed
	// to name, if any. The person is told and shown the case as it is.
	Damaged bool
}

// Reply is what the Router wants said after an inbound event.
type Reply struct {
	// Messages go back to the person who acted.
	Messages []Message
	// Step, when set, is the case as a step the reply is about left it.
	// The step's messages to everyone else, the refresh of every sent copy
	// of its card and, for Record, the confirmation to the person who
	// acted, were stored in the outbox with the step, for the delivery
	// worker to send.
	Step *conversation.Case
	// Refresh, when set, is a case whose sent cards are out of date (a
	// press on an old card): the adapter updates them after its answer.
	// Nothing depends on it but how current the cards look.
	Refresh *conversation.Case
	// Errors holds one message per field when a form submission failed.
	Errors map[string]string
	// stepEvents are the events of the recorded step, for its trace span
	// (trace.go).
	stepEvents []conversation.Event
}

// Router turns inbound events into engine commands and results into messages.
type Router struct {
	Engine   *conversation.Engine
	People   *People
	Cards    *Cards
	Store    conversation.Store
	Log      *slog.Logger
	DraftTTL time.Duration
	// Command is how people invoke the bot on this platform ("/resolve"), for help texts.
	Command string
	// Wake, when set, is called after a step and its effects are stored,
	// to wake the delivery worker (see Worker.Wake).
	Wake func()
}

// NewRouter wires a Router over an engine whose Directory is people.
func NewRouter(e *conversation.Engine, people *People, log *slog.Logger, draftTTL time.Duration) *Router {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if draftTTL <= 0 {
		draftTTL = 72 * time.Hour
	}
	now := e.Now
	if now == nil {
		now = time.Now
	}
	cards := &Cards{engine: e, People: people, Now: now}
	people.wording = cards
	return &Router{
		Engine: e, People: people, Store: e.Store, Log: log, DraftTTL: draftTTL,
		Cards: cards,
	}
}

func (r *Router) now() time.Time { return r.Cards.Now() }

// IntakeForm returns the intake questions with the configured agencies,
// offering the person's own agency from their profile when known. On a
// deployment of several partnerships the questions are those of the
// partnership of the person's agency (see intakeUnder).
func (r *Router) IntakeForm(ctx context.Context, person string) *conversation.Form {
	agency := ""
	if per, err := r.Store.GetPerson(ctx, person); err == nil {
		agency = per.Agency
	}
	f := r.intakeUnder(agency)
	if agency != "" {
		f.Field(conversation.FieldRaiserAgency).Default = agency
	}
	withReferenceFormats(&f, r.People)
	f.Submit = r.Cards.SubmitLabel(FormIntake)
	return &f
}

// ProfileForm returns the profile questions, offering the person's current answers.
func (r *Router) ProfileForm(ctx context.Context, person string) *conversation.Form {
	f := r.Cards.ProfileForm(r.People.Agencies())
	if per, err := r.Store.GetPerson(ctx, person); err == nil {
		f.Field("name").Default = per.Name
		f.Field("agency").Default = per.Agency
		f.Field("manager").Default = per.ManagerID
		if rf := r.People.reachField(r.Cards, per); rf != nil {
			f.Fields = append(f.Fields, *rf)
		}
	}
	return f
}

// Handle carries out one inbound event and says what to send. When it
// records a step, the confirmation to the person who acted comes back in
// Messages, for an adapter that answers in the platform's reply; everything
// else the step causes is in the outbox. It never returns an error:
// problems become a clear message to the person, and internal failures are
// logged with the case id only.
func (r *Router) Handle(ctx context.Context, in Inbound) Reply {
	return r.Record(conversation.AnsweredInReply(ctx), in)
}

// Record carries out one inbound event like Handle, but a step's
// confirmation to the person who acted goes into the outbox with the rest
// of its messages, in the same store write as the step: an adapter
// acknowledges the platform as soon as Record returns, and the delivery
// worker sends everything (house rule 5). Refusals, field errors, forms and
// answers to questions come back in Messages.
func (r *Router) Record(ctx context.Context, in Inbound) Reply {
	ctx, span := startStep(ctx, in)
	reply, err := r.handle(ctx, in)
	endStep(span, reply, err)
	if err != nil {
		return r.errorReply(in, err)
	}
	if reply.Step != nil && r.Wake != nil {
		r.Wake()
	}
	return reply
}

// recorded is the reply for a step the engine has recorded, with its
// effects, in the outbox: the case it left, and the confirmation to the
// person who acted when that is answered in the platform's reply.
func (r *Router) recorded(ctx context.Context, actor string, res *conversation.Result) Reply {
	reply := Reply{Step: res.Case, stepEvents: res.Events}
	for _, e := range res.Events {
		r.Log.Info("case event", "case", res.Case.ID, "event", string(e.Kind), "stage", e.Stage, "version", res.Case.Version)
	}
	if conversation.Answered(ctx) {
		reply.Messages = []Message{r.announce(ctx, actor, res.Case, res.Events).self}
	}
	return reply
}

func (r *Router) errorReply(in Inbound, err error) Reply {
	code := conversation.ErrorCode(err)
	if code == conversation.EINTERNAL {
		r.Log.Error("inbound failed", "case", safeCase(in.CaseID), "verb", string(in.Verb), "form", in.FormKey, "err", err)
	} else {
		r.Log.Info("inbound refused", "case", safeCase(in.CaseID), "verb", string(in.Verb), "form", in.FormKey, "code", code)
	}
	m := Message{Kind: "error", Tone: ToneWarning, CaseID: in.CaseID, Text: r.Cards.ErrorMessage(err), Errors: r.Cards.ErrorFields(err)}
	return Reply{Messages: []Message{m}, Errors: m.Errors}
}

// safeCase keeps only an id-like value for logs.
func safeCase(id string) string {
	id = conversation.NormaliseCaseID(id)
	if len(id) > 20 || strings.ContainsFunc(id, func(r rune) bool { return !(r == '-' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z') }) {
		return "?"
	}
	return id
}

func (r *Router) handle(ctx context.Context, in Inbound) (Reply, error) {
	if in.FormKey == FormIntake || isRaise(in.Text) {
		// Raising needs the person's agency and line manager first.
		per, err := r.Store.GetPerson(ctx, in.Actor)
		if err != nil {
			return Reply{}, conversation.Internal("load actor", err)
		}
		partnership, _ := r.People.IsPartnership(ctx, in.Actor)
		if per.Agency == "" && !partnership {
			f := r.ProfileForm(ctx, in.Actor)
			return Reply{Messages: []Message{{Kind: "form", Title: f.Title, Form: f,
				Text: r.Cards.Say("profile.ask", nil)}}}, nil
		}
	}
	switch {
	case in.Damaged || in.Version < 0:
		return r.damaged(ctx, in)
	case in.FormKey != "":
		return r.submit(ctx, in)
	case in.Verb != "":
		return r.press(ctx, in)
	}
	return r.command(ctx, in)
}

// isRaise reports whether text asks to raise a case: the first use that
// needs the person's agency and line manager.
func isRaise(text string) bool {
	t := strings.ToLower(strings.TrimSpace(text))
	return t == "raise" || t == "new"
}

// command handles typed text.
func (r *Router) command(ctx context.Context, in Inbound) (Reply, error) {
	word, rest := SplitCommand(in.Text)
	switch word {
	case "", "help", "?":
		return Reply{Messages: []Message{r.help(ctx, in.Actor)}}, nil
	case "cancel":
		// A form's Cancel where the form acts on no case (Teams sends it
		// without the form's answers).
		if _, err := r.Draft(ctx, in.Actor); err == nil {
			return Reply{Messages: []Message{r.Cards.DraftKept(r.DraftTTL)}}, nil
		}
		return Reply{Messages: []Message{r.Cards.FormClosed()}}, nil
	case "raise", "new":
		f := r.IntakeForm(ctx, in.Actor)
		text := f.Intro
		if d, err := r.Draft(ctx, in.Actor); err == nil && len(d.Values) > 0 {
			// An unfinished intake carries on with every answer in place.
			f = r.intakeWithAnswers(ctx, in.Actor, d.Values)
			text = strings.TrimSpace(r.Cards.DraftResumed() + "\n\n" + text)
		}
		return Reply{Messages: []Message{{Kind: "form", Title: f.Title, Text: text, Form: f}}}, nil
	case "profile":
		f := r.ProfileForm(ctx, in.Actor)
		return Reply{Messages: []Message{{Kind: "form", Title: f.Title, Text: f.Intro, Form: f}}}, nil
	case "list", "cases":
		return r.listCommand(ctx, in.Actor)
	case "status", "show":
		if rest == "" {
			return Reply{}, conversation.Invalid("profile.which_case", messages.Args{"command": "status"})
		}
		c, err := r.Engine.View(ctx, in.Actor, rest)
		if err != nil {
			return Reply{}, err
		}
		return Reply{Messages: []Message{r.Cards.Card(ctx, c, in.Actor, ""), r.Cards.Timeline(ctx, c)}}, nil
	case "export":
		return r.exportCommand(ctx, in.Actor, rest)
	case "audit", "access":
		return r.accessCommand(ctx, in.Actor, rest)
	case "report":
		return r.reportCommand(ctx, in.Actor, rest)
	case "observe":
		return r.observeCommand(ctx, in.Actor)
	}
	if slices.Contains(actionWords, word) {
		return r.doneCommand(ctx, in.Actor, rest)
	}
	if v, ok := ParseVerb(word); ok {
		if rest == "" {
			return Reply{}, conversation.Invalid("profile.which_case", messages.Args{"command": word})
		}
		return r.press(ctx, Inbound{Actor: in.Actor, Verb: v, CaseID: rest})
	}
	return r.unrecognised(ctx, in, word, rest)
}

// press handles a button: verbs that need words open their form, the rest
// run. A verb that runs goes straight to the engine, which reads the case,
// checks the person's rights and the card's version, and writes, all in
// one compare-and-set; only a refusal for a stale card reads the case
// again, to send the latest card.
func (r *Router) press(ctx context.Context, in Inbound) (Reply, error) {
	if f := r.ActionFormOn(ctx, in.CaseID, in.Verb); f != nil {
		return r.openActionForm(ctx, in, f)
	}
	cmd := conversation.Cmd{Actor: in.Actor, CaseID: in.CaseID, Version: in.Version}
	var res *conversation.Result
	var err error
	switch in.Verb {
	case conversation.VerbAcknowledge:
		res, err = r.Engine.Acknowledge(ctx, cmd)
	case conversation.VerbConfirm:
		res, err = r.Engine.ConfirmResolution(ctx, cmd)
	case conversation.VerbActionDone:
		return r.actionDone(ctx, in, 0)
	default: // no verb of ours runs without a form, so the button is damaged
		return r.damaged(ctx, in)
	}
	if conversation.ErrorCode(err) == conversation.ECONFLICT && in.Version > 0 {
		return r.latest(ctx, in, in.Verb)
	}
	if err != nil {
		return Reply{}, r.withAlternatives(ctx, in.Actor, in.CaseID, in.Verb, err)
	}
	return r.recorded(ctx, in.Actor, res), nil
}

// openActionForm asks for the words a step needs, if the person may take
// the step on the case as their card shows it.
func (r *Router) openActionForm(ctx context.Context, in Inbound, f *conversation.Form) (Reply, error) {
	c, err := r.Engine.GetFor(ctx, in.Actor, in.CaseID, string(in.Verb))
	if err != nil {
		return Reply{}, err
	}
	a, err := r.Engine.Actor(ctx, in.Actor)
	if err != nil {
		return Reply{}, err
	}
	if c.ChangedSince(in.Version) && !in.Verb.Appends() && conversation.CanAct(c, a) {
		return r.latest(ctx, in, in.Verb)
	}
	if err := r.Engine.ProtocolOf(c).Allowed(c, a, in.Verb); err != nil {
		return Reply{}, r.withAlternatives(ctx, in.Actor, c.ID, in.Verb, err)
	}
	return Reply{Messages: []Message{{Kind: "form", Title: f.Title + " · " + c.ID, Text: f.Intro, Form: f,
		CaseID: c.ID, FormCase: c.ID, FormVersion: c.Version}}}, nil
}

// submit handles a form submission.
func (r *Router) submit(ctx context.Context, in Inbound) (Reply, error) {
	if err := r.screenIdentifiers(ctx, in); err != nil {
		return Reply{}, err
	}
	switch {
	case in.FormKey == FormIntake:
		return r.raise(ctx, in, false)
	case in.FormKey == FormIntakeSend:
		return r.sendChecked(ctx, in)
	case in.FormKey == FormIntakeChange:
		return r.changeAnswer(ctx, in)
	case in.FormKey == conversation.FormObservation:
		return r.observe(ctx, in)
	case in.FormKey == FormProfile:
		values := maps(in.Values)
		if err := r.Cards.chooseAnswers(r.Cards.ProfileForm(r.People.Agencies()), values).Err(); err != nil {
			return Reply{}, err
		}
		per, err := r.People.SaveProfileWith(ctx, in.Actor, Profile{Name: values["name"], Agency: values["agency"],
			Manager: values["manager"], Reach: values[FieldReach]})
		if err != nil {
			return Reply{}, err
		}
		text := r.Cards.Say("profile.saved", messages.Args{"name": per.Name, "agency": r.People.AgencyName(per.Agency)})
		if per.ManagerID != "" {
			text = r.Cards.Say("profile.saved.with_manager", messages.Args{"name": per.Name, "agency": r.People.AgencyName(per.Agency), "manager": r.People.Name(ctx, per.ManagerID)})
		}
		if in.Values[FieldReach] != "" {
			text += r.Cards.Say("profile.saved.reach", messages.Args{"reach": r.Cards.ReachLabel(r.People.Reach(per))})
		}
		return Reply{Messages: []Message{{Kind: "notice", Tone: ToneSuccess, Title: r.Cards.Say("profile.saved.title", nil), Text: text + r.Cards.Say("profile.saved.next", nil)}}}, nil
	case strings.HasPrefix(in.FormKey, ActionFormPrefix):
		v := conversation.Verb(strings.TrimPrefix(in.FormKey, ActionFormPrefix))
		return r.act(ctx, in, v)
	}
	return Reply{}, conversation.Invalid("form.unknown", nil)
}

// raise validates intake and resolves the respondent. Complete answers
// that stay on the ladder are kept as the person's draft and shown back
// to be checked; checked answers (send) open the case. An answer that
// leads out of the ladder is pointed the right way at once. The answers
// are kept as a draft until the case is open, so nothing is lost.
func (r *Router) raise(ctx context.Context, in Inbound, send bool) (Reply, error) {
	values := maps(in.Values)
	f := r.IntakeForm(ctx, in.Actor)
	fe := commandAnswers(r.Cards, f, values)
	for k := range fe {
		delete(values, k) // a command is not an answer, even in the draft
	}
	for k, msg := range r.Cards.chooseAnswers(f, values) {
		fe.Add(k, msg)
	}
	if v := strings.TrimSpace(values[conversation.FieldRespondent]); v != "" {
		per, err := r.People.Resolve(ctx, v)
		if err != nil && conversation.ErrorCode(err) != conversation.EINVALID {
			return Reply{}, err
		}
		if err != nil {
			fe.Add(conversation.FieldRespondent, conversation.ErrorText(err))
		} else {
			values[conversation.FieldRespondent] = per.ID
		}
	}
	input, err := conversation.ParseIntake(f, values)
	if err != nil || input.Route() == "" {
		// Off the ladder, the other answers do not matter.
		for k, msg := range conversation.ErrorFields(err) {
			fe.Add(k, msg)
		}
		if len(fe) > 0 {
			err = fe.Err()
		}
	}
	if err == nil && input.Route() == "" && !send {
		// Checked as opening the case would check it, so what is shown
		// to be checked is what Send will send.
		if err := r.Engine.CheckRaise(ctx, in.Actor, input); err != nil {
			r.saveDraft(ctx, in.Actor, values)
			return Reply{}, err
		}
		if err := r.SaveDraft(ctx, in.Actor, values, len(f.Fields)); err != nil {
			return Reply{}, err
		}
		return Reply{Messages: []Message{r.checkMessage(ctx, f, values, "")}}, nil
	}
	if err == nil {
		var res *conversation.Result
		res, err = r.Engine.Raise(ctx, in.Actor, input)
		if err == nil {
			_ = r.Store.DeleteDraft(ctx, in.Actor)
			if res.Route != "" {
				return Reply{Messages: []Message{r.Cards.Route(res.Route)}}, nil
			}
			return r.recorded(ctx, in.Actor, res), nil
		}
	}
	r.saveDraft(ctx, in.Actor, values)
	return Reply{}, err
}

// SaveDraft keeps a person's unfinished intake answers until the draft expires.
// Returns EINTERNAL on store failure.
func (r *Router) SaveDraft(ctx context.Context, person string, values map[string]string, step int) error {
	d := &conversation.Draft{PersonID: person, Values: maps(values), Step: step, ExpiresAt: r.now().Add(r.DraftTTL)}
	if err := r.Store.SaveDraft(ctx, d); err != nil {
		return conversation.Internal("save draft", err)
	}
	return nil
}

// Draft returns a person's unexpired intake draft. Returns ENOTFOUND when
// there is none.
func (r *Router) Draft(ctx context.Context, person string) (*conversation.Draft, error) {
	return r.Store.GetDraft(ctx, person, r.now())
}

func (r *Router) saveDraft(ctx context.Context, person string, values map[string]string) {
	if err := r.SaveDraft(ctx, person, values, 0); err != nil {
		r.Log.Error("save draft failed", "err", err)
	}
}

func maps(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// act runs an action form's verb.
func (r *Router) act(ctx context.Context, in Inbound, v conversation.Verb) (Reply, error) {
	cmd := conversation.Cmd{Actor: in.Actor, CaseID: in.CaseID, Version: in.Version}
	val := func(k string) string { return strings.TrimSpace(in.Values[k]) }
	// Every problem with the answers is gathered before anything is
	// refused, so the person sees them all at once.
	form := r.ActionFormOn(ctx, in.CaseID, v)
	fe := missingAnswers(r.Cards, form, in.Values)
	if ce := commandAnswers(r.Cards, form, in.Values); len(ce) > 0 {
		// A command typed as an answer is never stored as one.
		for k, msg := range ce {
			fe[k] = msg
		}
		return Reply{}, fe.Err()
	}
	var internal error
	person := func(field, text string) string {
		if text == "" {
			return ""
		}
		p, err := r.People.Resolve(ctx, text)
		switch {
		case conversation.ErrorCode(err) == conversation.EINVALID:
			fe[field] = conversation.ErrorText(err)
		case err != nil:
			internal = err
		default:
			return p.ID
		}
		return ""
	}
	checked := func() error {
		if internal != nil {
			return internal
		}
		return fe.Err()
	}
	var res *conversation.Result
	var err error
	e := r.Engine
	switch v {
	case conversation.VerbRespond:
		res, err = e.Respond(ctx, cmd, val("text"))
	case conversation.VerbNote:
		res, err = e.AddNote(ctx, cmd, val("text"))
	case conversation.VerbEscalate:
		rs, ps := person("raiser_side", val("raiser_side")), person("respondent_side", val("respondent_side"))
		if err := checked(); err != nil {
			return Reply{}, err
		}
		in := conversation.EscalateInput{Reason: val("reason")}
		if rs != "" {
			in.RaiserSide = []string{rs}
		}
		if ps != "" {
			in.RespondentSide = []string{ps}
		}
		res, err = e.Escalate(ctx, cmd, in)
	case conversation.VerbPropose:
		actions, perr := r.parseActions(ctx, in.Values["actions"])
		for k, msg := range conversation.ErrorFields(perr) {
			fe[k] = msg
		}
		if perr != nil && conversation.ErrorCode(perr) == conversation.EINTERNAL {
			internal = perr
		}
		if err := checked(); err != nil {
			return Reply{}, err
		}
		res, err = e.ProposeResolution(ctx, cmd, val("way_forward"), actions)
	case conversation.VerbDispute:
		res, err = e.DisputeResolution(ctx, cmd, val("reason"))
	case conversation.VerbWithdraw:
		res, err = e.Withdraw(ctx, cmd, val("reason"))
	case conversation.VerbRefer:
		res, err = e.ReferToPartnership(ctx, cmd, val("reason"))
	case conversation.VerbMediation:
		if err := checked(); err != nil {
			return Reply{}, err
		}
		res, err = e.RequestMediationWith(ctx, cmd, conversation.MediationInput{Reason: val("reason"), SupervisionSought: val(conversation.FieldSupervisionSought)})
	case conversation.VerbExtend:
		days, cerr := r.extensionDays(ctx, in.CaseID, val("days"))
		for k, msg := range conversation.ErrorFields(cerr) {
			fe[k] = msg
		}
		if cerr != nil && conversation.ErrorCode(cerr) == conversation.EINTERNAL {
			internal = cerr
		}
		if err := checked(); err != nil {
			return Reply{}, err
		}
		res, err = e.ExtendDeadline(ctx, cmd, days, val("reason"))
	case conversation.VerbReassign:
		from, to := person("from", val("from")), person("to", val("to"))
		if err := checked(); err != nil {
			return Reply{}, err
		}
		if from == "" {
			from = in.Actor
		}
		res, err = e.Reassign(ctx, cmd, from, to, val("reason"))
	case conversation.VerbAcceptReferral:
		res, err = e.AcceptReferral(ctx, cmd, val("text"))
	case conversation.VerbReturnReferral:
		res, err = e.ReturnReferral(ctx, cmd, val("stage"), val("text"))
	case conversation.VerbOfferMediation:
		res, err = e.OfferMediation(ctx, cmd, val("text"))
	case conversation.VerbClose:
		res, err = e.Close(ctx, cmd, val("reason"))
	case conversation.VerbActionDone:
		n, aerr := strconv.Atoi(val(conversation.FieldAction))
		if aerr != nil {
			fe := conversation.FieldErrors{}
			fe.Add(conversation.FieldAction, conversation.Msg("form.choose_done_action", nil))
			return Reply{}, fe.Err()
		}
		return r.actionDone(ctx, in, n)
	case conversation.VerbLearning:
		res, err = e.RecordLearning(ctx, cmd, conversation.LearningInput{Learned: val(conversation.FieldLearned), Prevention: val(conversation.FieldPrevention)})
	case conversation.VerbDeepDive:
		res, err = e.DecideDeepDive(ctx, cmd, val(conversation.FieldDeepDive), val("reason"))
	default:
		return Reply{}, conversation.Invalid("form.unknown", nil)
	}
	if conversation.ErrorCode(err) == conversation.ECONFLICT && in.Version > 0 {
		return r.latest(ctx, in, v)
	}
	if err != nil {
		return Reply{}, err
	}
	return r.recorded(ctx, in.Actor, res), nil
}

// announcement is what a recorded step says: a confirmation for the
// person who took it and a message for everyone else who must hear of it.
type announcement struct {
	self Message
	out  []Outbound
}

// announce turns a step (its events, on the case as stored now) into a
// confirmation for the actor and messages for everyone else who must hear
// of it. The delivery worker calls it for each effect, so it depends only
// on what is stored.
func (r *Router) announce(ctx context.Context, actor string, c *conversation.Case, events []conversation.Event) announcement {
	var reply announcement
	// Its own partnership's roles and, for a cross-border case, the other
	// partnership's too.
	partnership := r.People.TeamOf(ctx, c)
	cur := c.Current()
	stage := r.Cards.For(c).Protocol().StageName(cur.Key)
	actorName := r.People.Name(ctx, actor)
	type plan struct {
		card     bool
		headline string
		quote    string
	}
	plans := map[string]*plan{}
	var order []string
	tell := func(ids []string, card bool, headline, quote string) {
		for _, id := range ids {
			if id == actor || id == "" {
				continue
			}
			p, ok := plans[id]
			if !ok {
				p = &plan{}
				plans[id] = p
				order = append(order, id)
			}
			p.card = p.card || card
			p.headline = strings.TrimSpace(p.headline + " " + headline)
			if quote != "" {
				p.quote = quote
			}
		}
	}
	both := append(slices.Clone(cur.Raiser), cur.Respondent...)
	everyone := c.People()
	var self string
	var nudges []Outbound
	for _, e := range events {
		switch e.Kind {
		case conversation.EventNudged:
			nudges = append(nudges, r.nudged(ctx, c, e)...)
		case conversation.EventRaised:
			tell([]string{c.Respondent.PersonID}, true, r.Cards.Say("told.raised.respondent", messages.Args{
				"raiser": c.Raiser.Name, "agency": r.People.AgencyName(c.Raiser.Agency), "deadline": r.Cards.Deadline(cur.AckDeadline)}), "")
			self = r.Cards.Say("told.raised.self", messages.Args{"case": c.ID, "stage": stage, "respondent": c.Respondent.Name, "deadline": r.Cards.Deadline(cur.AckDeadline)})
		case conversation.EventSeriousConcern:
			r.seriousConcern(ctx, c, tell, &self)
		case conversation.EventDeepDiveDecided:
			who := actorName
			if role := r.Cards.For(c).Protocol().SeriousConcernRole(); role != "" {
				who = r.Cards.Say("told.deep_dive.who_with_role", messages.Args{"name": actorName, "role": role})
			}
			heard := slices.Compact(slices.Sorted(slices.Values(append([]string{c.Raiser.PersonID}, both...))))
			tell(heard, false, r.Cards.Say("told.deep_dive", messages.Args{"who": who, "decision": strings.ToLower(r.Cards.For(c).Protocol().DeepDiveLabel(e.Fields["decision"]))}), e.Text)
			self = r.Cards.Say("told.deep_dive.self", messages.Args{"case": c.ID, "decision": strings.ToLower(r.Cards.For(c).Protocol().DeepDiveLabel(e.Fields["decision"]))})
		case conversation.EventAcknowledged:
			tell(cur.Raiser, false, r.Cards.Say("told.acknowledged", messages.Args{"name": actorName}), "")
			self = r.Cards.Say("told.acknowledged.self", messages.Args{"case": c.ID, "deadline": r.Cards.Deadline(cur.Deadline)})
		case conversation.EventResponse:
			tell(cur.Raiser, false, r.Cards.Say("told.response", messages.Args{"name": actorName}), e.Text)
			self = r.Cards.Say("told.response.self", messages.Args{"names": r.People.Names(ctx, cur.Raiser)})
		case conversation.EventNote:
			tell(both, false, r.Cards.Say("told.note", messages.Args{"name": actorName}), e.Text)
			self = r.Cards.Say("told.note.self", nil)
			if e.Fields["meant_as"] == string(conversation.VerbRespond) {
				self = r.Cards.Say("told.note.self_meant_response", nil)
			}
		case conversation.EventEscalated:
			tell(both, true, r.Cards.Say("told.escalated.joined", messages.Args{"stage": stage, "deadline": r.Cards.Deadline(cur.Deadline)}), "")
			prev := c.Stages[len(c.Stages)-2]
			tell(append(slices.Clone(prev.Raiser), prev.Respondent...), false, r.Cards.Say("told.escalated", messages.Args{"name": actorName, "stage": stage}), "")
			self = r.Cards.Say("told.escalated.self", messages.Args{"case": c.ID, "stage": stage, "raisers": r.People.Names(ctx, cur.Raiser), "respondents": r.People.Names(ctx, cur.Respondent)})
		case conversation.EventResolutionProposed:
			other := cur.People(c.SideOf(actor).Other())
			tell(other, false, r.Cards.Say("told.proposed", messages.Args{"name": actorName}), e.Text)
			self = r.Cards.Say("told.proposed.self", messages.Args{"names": r.People.Names(ctx, other)})
		case conversation.EventResolutionConfirmed:
			tell(everyone, false, r.Cards.Say("told.confirmed", messages.Args{"name": actorName}), "")
			for i, a := range c.AgreedActions() {
				if a.OwnerID != "" {
					tell([]string{a.OwnerID}, false, r.Cards.Say("told.confirmed.owner", messages.Args{
						"number": i + 1, "action": a.Description, "due": r.Cards.Day(a.Due)}), "")
				}
			}
			self = r.Cards.Say("told.confirmed.self", messages.Args{"case": c.ID})
			if len(c.AgreedActions()) > 0 {
				self += r.Cards.Say("told.confirmed.self_actions", nil)
			}
			self += r.Cards.Say("told.confirmed.self_learning", nil)
		case conversation.EventResolutionDisputed:
			tell(both, false, r.Cards.Say("told.disputed", messages.Args{"name": actorName}), e.Text)
			self = r.Cards.Say("told.disputed.self", messages.Args{"stage": stage})
		case conversation.EventWithdrawn:
			tell(everyone, false, r.Cards.Say("told.withdrawn", messages.Args{"name": actorName}), e.Text)
			self = r.Cards.Say("told.withdrawn.self", messages.Args{"case": c.ID})
		case conversation.EventReferred:
			tell(partnership, true, r.Cards.Say("told.referred.partnership", messages.Args{"name": actorName, "body": r.Cards.For(c).Protocol().Referral.Body}), e.Text)
			tell(both, false, r.Cards.Say("told.referred", messages.Args{"name": actorName}), "")
			self = r.Cards.Say("told.referred.self", messages.Args{"case": c.ID})
		case conversation.EventReferralAccepted:
			tell(both, false, r.Cards.Say("told.referral_accepted", messages.Args{"body": r.Cards.For(c).Protocol().Referral.Body}), e.Text)
			self = r.Cards.Say("told.referral_accepted.self", nil)
		case conversation.EventReferralReturned:
			tell(both, true, r.Cards.Say("told.referral_returned", messages.Args{"stage": stage}), e.Text)
			self = r.Cards.Say("told.referral_returned.self", messages.Args{"stage": stage})
		case conversation.EventMediationRequested:
			tell(partnership, true, r.Cards.Say("told.mediation_requested.partnership", messages.Args{"name": actorName}), e.Text)
			tell(both, false, r.Cards.Say("told.mediation_requested", messages.Args{"name": actorName}), "")
			self = r.Cards.Say("told.mediation_requested.self", nil)
		case conversation.EventMediationOffered:
			tell(both, false, r.Cards.Say("told.mediation_offered", nil), e.Text)
			self = r.Cards.Say("told.mediation_offered.self", nil)
		case conversation.EventReassigned:
			tell([]string{e.Fields["to"]}, true, r.Cards.Say("told.reassigned.to", messages.Args{"name": actorName}), "")
			tell([]string{e.Fields["from"]}, false, r.Cards.Say("told.reassigned.from", messages.Args{"to": r.People.Name(ctx, e.Fields["to"])}), "")
			self = r.Cards.Say("told.reassigned.self", messages.Args{"to": r.People.Name(ctx, e.Fields["to"])})
		case conversation.EventDeadlineExtended:
			tell(both, false, r.Cards.Say("told.extended", messages.Args{"name": actorName, "deadline": r.Cards.When(cur.Deadline)}), e.Text)
			self = r.Cards.Say("told.extended.self", messages.Args{"deadline": r.Cards.Deadline(cur.Deadline)})
		case conversation.EventClosed:
			tell(everyone, false, r.Cards.Say("told.closed", nil), e.Text)
			self = r.Cards.Say("told.closed.self", messages.Args{"case": c.ID})
		case conversation.EventActionDone:
			n, _ := strconv.Atoi(e.Fields[conversation.FieldAction])
			if n >= 1 && n <= len(c.AgreedActions()) {
				line := r.Cards.actionLine(c, n)
				told := append([]string{c.Raiser.PersonID}, both...)
				slices.Sort(told)
				tell(slices.Compact(told), false, r.Cards.Say("told.action_done", messages.Args{"name": actorName, "action": line}), e.Text)
				self = r.Cards.Say("told.action_done.self", messages.Args{"number": n, "case": c.ID})
				if e.Fields["state"] == string(conversation.ActionDoneLate) {
					self += r.Cards.Say("told.action_done.self_late", nil)
				}
				self += r.Cards.Say("told.action_done.self_end", nil)
			}
		case conversation.EventLearning:
			self = r.Cards.Say("told.learning.self", nil)
		}
	}
	for _, id := range order {
		p := plans[id]
		var m Message
		if p.card {
			m = r.Cards.Card(ctx, c, id, p.headline)
		} else {
			m = Message{Kind: "notice", CaseID: c.ID, Title: c.ID + " · " + stage, Text: p.headline, Buttons: r.Cards.Buttons(ctx, c, id)}
			if p.quote != "" {
				m.Fields = []Field{{r.Cards.Say("told.their_words", nil), p.quote}}
			}
		}
		reply.out = append(reply.out, Outbound{To: id, Message: m})
	}
	reply.out = append(reply.out, nudges...)
	var first bool
	for _, e := range events {
		first = first || e.Kind == conversation.EventRaised
	}
	if first {
		reply.self = r.Cards.Card(ctx, c, actor, self)
	} else {
		reply.self = Message{Kind: "notice", Tone: ToneSuccess, CaseID: c.ID, Title: c.ID + " · " + stage, Text: self, Buttons: r.Cards.Buttons(ctx, c, actor)}
	}
	return reply
}

// seriousConcern tells whoever a serious concern is logged with: the
// protocol's serious-concern role, asked to decide on a deep dive, or the
// whole partnership where the protocol names no role or nobody holds it.
func (r *Router) seriousConcern(ctx context.Context, c *conversation.Case, tell func(ids []string, card bool, headline, quote string), self *string) {
	holders, err := r.Engine.SeriousConcernHoldersOf(ctx, c)
	if err != nil {
		r.Log.Error("find serious concern holders failed", "case", c.ID, "err", err)
	}
	role := r.Cards.For(c).Protocol().SeriousConcernRole()
	if role == "" || !r.holdRole(ctx, holders, role) {
		tell(holders, true, r.Cards.Say("told.concern.partnership", nil), "")
		*self += r.Cards.Say("told.concern.partnership.self", nil)
		return
	}
	tell(holders, true, r.Cards.Say("told.concern.role", messages.Args{"role": role}), "")
	*self += r.Cards.Say("told.concern.role.self", messages.Args{"role": role})
}

// holdRole reports whether any of ids holds role.
func (r *Router) holdRole(ctx context.Context, ids []string, role string) bool {
	for _, id := range ids {
		roles, err := r.People.Roles(ctx, id)
		if err == nil && (conversation.Actor{Roles: roles}).Holds(role) {
			return true
		}
	}
	return false
}
