package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/resolvebot/resolvebot/bot"
	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

// signedInPage fills the parts of a page every signed-in page has.
func (s *Server) signedInPage(r *http.Request, sess *session, title string, data any) page {
	p := page{Title: title, CSRF: sess.CSRF, Person: s.opts.Router.People.Name(r.Context(), sess.Person),
		Flash: s.takeFlash(r.Context(), sess), Data: data, Admin: s.isAdmin(r.Context(), sess.Person)}
	if sc, err := s.dashAccess(r.Context(), sess.Person, sess.Partnership); err == nil && sc.ok {
		p.Dashboard = s.opts.Router.Cards.Say("dashboard.nav", nil)
	}
	return p
}

// caseRow is one case in a list.
type caseRow struct {
	ID, Ref, Why, Stage, Agencies, Due, Status string
}

// homeData is the home page: what waits on the person, then their cases.
type homeData struct {
	WaitingTitle, WaitingEmpty string
	Waiting                    []caseRow
	MoreWaiting                int
	OpenTitle, OpenEmpty       string
	Open                       []caseRow
	MoreOpen                   int
	Ended                      []caseRow
}

// home shows "Waiting on you" and "Your cases".
func (s *Server) home(w http.ResponseWriter, r *http.Request, sess *session) {
	ov, err := s.opts.Router.Overview(r.Context(), sess.Person)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	cards := s.opts.Router.Cards
	people := s.opts.Router.People
	row := func(oc bot.OverviewCase, due bool) caseRow {
		c := oc.Case
		cur := c.Current()
		cr := caseRow{ID: c.ID, Ref: c.ChildRef, Why: oc.Why, Stage: cards.For(c).Protocol().StageName(cur.Key),
			Status:   c.Status.Label(),
			Agencies: cards.Say("web.cases.agencies", messages.Args{"raiser": people.AgencyName(c.Raiser.Agency), "respondent": people.AgencyName(c.Respondent.Agency)})}
		if due && c.Status.Active() {
			cr.Due = cards.Deadline(cur.Deadline)
		}
		return cr
	}
	d := homeData{WaitingTitle: ov.WaitingTitle, WaitingEmpty: ov.WaitingEmpty, MoreWaiting: ov.MoreWaiting,
		OpenTitle: ov.OpenTitle, OpenEmpty: ov.OpenEmpty, MoreOpen: ov.MoreOpen}
	for _, oc := range ov.Waiting {
		d.Waiting = append(d.Waiting, row(oc, true))
	}
	for _, oc := range ov.Open {
		d.Open = append(d.Open, row(oc, true))
	}
	for _, oc := range ov.Ended {
		d.Ended = append(d.Ended, row(oc, false))
	}
	s.render(w, r, http.StatusOK, "home", s.signedInPage(r, sess, cards.Say("web.home.title", nil), d))
}

// caseData is a case page: its card and its timeline.
type caseData struct {
	ID       string
	Card     messageView
	Timeline messageView
}

// casePage shows a case to someone entitled to it. The view is recorded in
// the case's access log, as in chat; anyone else is refused, and that is
// recorded too.
func (s *Server) casePage(w http.ResponseWriter, r *http.Request, sess *session) {
	ctx := r.Context()
	c, err := s.opts.Router.Engine.View(ctx, sess.Person, r.PathValue("id"))
	if err != nil {
		s.caseRefused(w, r, sess, err)
		return
	}
	cards := s.opts.Router.Cards
	d := caseData{ID: c.ID, Card: viewMessage(cards.Card(ctx, c, sess.Person, ""), sess.CSRF),
		Timeline: viewMessage(cards.Timeline(ctx, c), sess.CSRF)}
	s.render(w, r, http.StatusOK, "case", s.signedInPage(r, sess, cards.Say("web.case.title", messages.Args{"case": c.ID}), d))
}

// caseRefused answers a case the person may not see, or that does not
// exist, in the same words either way.
func (s *Server) caseRefused(w http.ResponseWriter, r *http.Request, sess *session, err error) {
	switch conversation.ErrorCode(err) {
	case conversation.ENOTFOUND, conversation.EFORBIDDEN, conversation.EINVALID:
		s.problem(w, r, sess, http.StatusForbidden, s.words().Say("web.case.refused.title", nil), s.words().Say("web.case.refused.text", nil))
	default:
		s.internal(w, r, err)
	}
}

// stepData is a step's page: its form, or its "are you sure" question.
type stepData struct {
	CaseID  string
	Form    *formView
	Confirm *buttonView
	Text    string
}

// stepPage shows the form a step needs, or asks "are you sure" for a step
// without one. It changes nothing.
func (s *Server) stepPage(w http.ResponseWriter, r *http.Request, sess *session) {
	ctx := r.Context()
	verb, ok := bot.ParseVerb(r.PathValue("verb"))
	if !ok {
		s.notFound(w, r)
		return
	}
	version, _ := strconv.ParseInt(r.URL.Query().Get("version"), 10, 64)
	router := s.opts.Router
	if router.ActionFormOn(ctx, r.PathValue("id"), verb) != nil {
		reply := router.Handle(ctx, bot.Inbound{Actor: sess.Person, Verb: verb, CaseID: r.PathValue("id"), Version: max(version, 0)})
		if len(reply.Messages) == 1 && reply.Messages[0].Kind == "form" {
			m := reply.Messages[0]
			fv := viewForm(router.Cards, m.Form, nil, nil)
			s.showStepForm(w, r, sess, http.StatusOK, m, fv, nil)
			return
		}
		s.showReply(w, r, sess, reply)
		return
	}
	c, err := router.Engine.GetFor(ctx, sess.Person, r.PathValue("id"), string(verb))
	if err != nil {
		s.caseRefused(w, r, sess, err)
		return
	}
	for _, b := range router.Cards.Buttons(ctx, c, sess.Person) {
		if b.Verb != verb {
			continue
		}
		text := b.Confirm
		if text == "" {
			text = router.Cards.Say("web.step.confirm", messages.Args{"step": router.Cards.VerbTitle(verb)})
		}
		b.Confirm, b.Form, b.Secondary = "", false, false
		if b.Style != "danger" {
			b.Style = "primary"
		}
		btn := viewMessage(bot.Message{Buttons: []bot.Button{b}}, sess.CSRF).Primary[0]
		s.render(w, r, http.StatusOK, "step", s.signedInPage(r, sess, router.Cards.Say("web.step.title", messages.Args{"step": router.Cards.VerbTitle(verb), "case": c.ID}),
			stepData{CaseID: c.ID, Confirm: &btn, Text: text}))
		return
	}
	s.problem(w, r, sess, http.StatusConflict, router.Cards.Say("web.step.refused.title", nil), router.Cards.Say("web.step.refused.text", nil))
}

// showStepForm renders a step's form with the answers and problems so far.
func (s *Server) showStepForm(w http.ResponseWriter, r *http.Request, sess *session, status int, m bot.Message, fv formView, errs []fieldError) {
	fv.Action = "/web/cases/" + m.FormCase + "/" + strings.TrimPrefix(m.Form.Key, bot.ActionFormPrefix)
	fv.Title = m.Title
	fv.CSRF = sess.CSRF
	fv.Cancel = "/web/cases/" + m.FormCase
	fv.Hidden = map[string]string{"version": strconv.FormatInt(m.FormVersion, 10)}
	fv.Submit = s.opts.Router.Cards.VerbLabel(conversation.Verb(strings.TrimPrefix(m.Form.Key, bot.ActionFormPrefix)))
	fv.People = s.suggestions(r, sess, m.Form)
	p := s.signedInPage(r, sess, m.Title, stepData{CaseID: m.FormCase, Form: &fv})
	p.Errors = errs
	s.render(w, r, status, "step", p)
}

// stepPost takes a step through the router, exactly as in chat.
func (s *Server) stepPost(w http.ResponseWriter, r *http.Request, sess *session) {
	ctx := r.Context()
	verb, ok := bot.ParseVerb(r.PathValue("verb"))
	if !ok {
		s.notFound(w, r)
		return
	}
	id := conversation.NormaliseCaseID(r.PathValue("id"))
	version, _ := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	router := s.opts.Router
	in := bot.Inbound{Actor: sess.Person, Verb: verb, CaseID: id, Version: max(version, 0)}
	f := router.ActionFormOn(ctx, id, verb)
	if f != nil {
		in = bot.Inbound{Actor: sess.Person, FormKey: f.Key, CaseID: id, Version: max(version, 0), Values: formValues(r, f)}
	}
	reply := router.Handle(ctx, in)
	if reply.Step != nil {
		s.done(w, r, sess, reply, "/web/cases/"+reply.Step.ID)
		return
	}
	if len(reply.Errors) > 0 && f != nil {
		m := bot.Message{Title: router.Cards.Say("web.step.title", messages.Args{"step": router.Cards.VerbTitle(verb), "case": id}), Form: f, FormCase: id, FormVersion: version}
		fv := viewForm(router.Cards, f, in.Values, reply.Errors)
		s.showStepForm(w, r, sess, http.StatusBadRequest, m, fv, summaryErrors(f, reply.Errors, ""))
		return
	}
	s.showReply(w, r, sess, reply)
}

// done keeps a recorded step's confirmation for the next page and goes
// there (post, redirect, get: reloading does not take the step twice).
func (s *Server) done(w http.ResponseWriter, r *http.Request, sess *session, reply bot.Reply, to string) {
	f := &flash{Title: s.words().Say("web.done", nil)}
	if len(reply.Messages) > 0 && reply.Messages[0].Text != "" {
		f.Title = reply.Messages[0].Text
	}
	s.setFlash(r.Context(), sess, f)
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// replyData shows what the router said when no step was taken: a refusal,
// a route out of the process, or the latest card of a case that moved on.
type replyData struct {
	Messages []messageView
	Back     string
}

// showReply renders the router's messages on a page of their own.
func (s *Server) showReply(w http.ResponseWriter, r *http.Request, sess *session, reply bot.Reply) {
	d := replyData{Back: Prefix}
	status := http.StatusOK
	title := s.words().Say("web.home.title", nil)
	for i, m := range reply.Messages {
		if m.Kind == "form" {
			continue
		}
		if m.Kind == "error" {
			status = http.StatusConflict
		}
		if i == 0 {
			title = m.Title
			if title == "" {
				title = s.words().Say("web.reply.nothing_changed", nil)
				if m.Kind != "error" {
					title = s.opts.Service
				}
			}
		}
		if m.CaseID != "" {
			d.Back = "/web/cases/" + m.CaseID
		}
		d.Messages = append(d.Messages, viewMessage(m, sess.CSRF))
	}
	if len(d.Messages) > 0 && d.Messages[0].Title == title {
		d.Messages[0].Title = ""
	}
	s.render(w, r, status, "reply", s.signedInPage(r, sess, title, d))
}

// raisePage asks the intake questions; someone whose profile lacks their
// agency is asked for it first, as in chat. With ?change=KEY it shows the
// form again from the kept answers to change one of them (from the check
// your answers page). It changes nothing.
func (s *Server) raisePage(w http.ResponseWriter, r *http.Request, sess *session) {
	ctx := r.Context()
	if s.needsProfile(r, sess) {
		s.setFlash(ctx, sess, &flash{Title: s.words().Say("web.raise.profile_first.title", nil), Text: s.words().Say("web.raise.profile_first.text", nil)})
		http.Redirect(w, r, "/web/profile?next=/web/raise", http.StatusSeeOther)
		return
	}
	if key := r.URL.Query().Get("change"); key != "" {
		reply := s.opts.Router.Handle(ctx, bot.ChangeChecked(sess.Person, key))
		if m := formOf(reply.Messages); m != nil {
			s.showIntake(w, r, sess, http.StatusOK, *m)
			return
		}
		s.showReply(w, r, sess, reply)
		return
	}
	f := s.opts.Router.IntakeForm(ctx, sess.Person)
	var values map[string]string
	if d, err := s.opts.Router.Draft(ctx, sess.Person); err == nil {
		values = d.Values
	}
	s.showForm(w, r, sess, http.StatusOK, f, "/web/raise", s.opts.Router.Cards.SubmitLabel(bot.FormIntake), values, nil)
}

// formOf returns the form message among msgs, or nil.
func formOf(msgs []bot.Message) *bot.Message {
	for i := range msgs {
		if msgs[i].Kind == "form" && msgs[i].Form != nil {
			return &msgs[i]
		}
	}
	return nil
}

// showIntake renders the intake form the router sent back (to change an
// answer, or with the problems found when sending), its answers in place
// and the question to change focused.
func (s *Server) showIntake(w http.ResponseWriter, r *http.Request, sess *session, status int, m bot.Message) {
	fv := viewForm(s.words(), m.Form, nil, m.Errors)
	fv.Action, fv.CSRF, fv.Submit, fv.Cancel = "/web/raise", sess.CSRF, s.opts.Router.Cards.SubmitLabel(bot.FormIntake), Prefix
	fv.Intro = append(paragraphs(m.Text), fv.Intro...)
	fv.People = s.suggestions(r, sess, m.Form)
	for i := range fv.Fields {
		fv.Fields[i].Autofocus = fv.Fields[i].Key == m.Focus
	}
	p := s.signedInPage(r, sess, m.Form.Title, stepData{Form: &fv})
	if len(m.Errors) > 0 {
		p.Errors = summaryErrors(m.Form, m.Errors, "")
	}
	s.render(w, r, status, "step", p)
}

// checkData is the check your answers page.
type checkData struct {
	Paras   []string
	Answers []bot.Answer
	Digest  string
}

// showCheck shows the intake's answers back before they are sent.
func (s *Server) showCheck(w http.ResponseWriter, r *http.Request, sess *session, m bot.Message) {
	d := checkData{Paras: paragraphs(m.Text), Answers: m.Check.Answers, Digest: m.Check.Digest}
	s.render(w, r, http.StatusOK, "check", s.signedInPage(r, sess, s.words().Say("check.title", nil), d))
}

// raiseSend sends the checked answers through the router, which opens the
// case from the kept draft.
func (s *Server) raiseSend(w http.ResponseWriter, r *http.Request, sess *session) {
	reply := s.opts.Router.Handle(r.Context(), bot.Inbound{Actor: sess.Person, FormKey: bot.FormIntakeSend,
		Values: map[string]string{bot.CheckDigest: r.PostFormValue("digest")}})
	s.raised(w, r, sess, reply)
}

// raised answers what the router said to an intake or its sending: the
// new case, the answers to check, the form with what to fix, or a route
// out of the process.
func (s *Server) raised(w http.ResponseWriter, r *http.Request, sess *session, reply bot.Reply) {
	switch {
	case reply.Step != nil:
		s.done(w, r, sess, bot.Reply{Messages: []bot.Message{{Text: s.words().Say("web.raise.done", messages.Args{"case": reply.Step.ID})}}},
			"/web/cases/"+reply.Step.ID)
	case bot.CheckOf(reply.Messages) != nil:
		s.showCheck(w, r, sess, *bot.CheckOf(reply.Messages))
	case formOf(reply.Messages) != nil && formOf(reply.Messages).Form.Key == bot.FormProfile:
		http.Redirect(w, r, "/web/profile?next=/web/raise", http.StatusSeeOther)
	case formOf(reply.Messages) != nil:
		s.showIntake(w, r, sess, http.StatusBadRequest, *formOf(reply.Messages))
	default:
		s.showReply(w, r, sess, reply)
	}
}

// needsProfile reports whether the person must give their agency before
// raising a disagreement.
func (s *Server) needsProfile(r *http.Request, sess *session) bool {
	per, err := s.opts.Store.GetPerson(r.Context(), sess.Person)
	if err != nil || per.Agency != "" {
		return false
	}
	partnership, _ := s.opts.Router.People.IsPartnership(r.Context(), sess.Person)
	return !partnership
}

// showForm renders a form of no case (intake, profile).
func (s *Server) showForm(w http.ResponseWriter, r *http.Request, sess *session, status int, f *conversation.Form, action, submit string, values, errs map[string]string) {
	fv := viewForm(s.words(), f, values, errs)
	fv.Action, fv.CSRF, fv.Submit, fv.Cancel = action, sess.CSRF, submit, Prefix
	fv.People = s.suggestions(r, sess, f)
	if next := safeNext(r.URL.Query().Get("next")); next != "" {
		fv.Hidden = map[string]string{"next": next}
	}
	p := s.signedInPage(r, sess, f.Title, stepData{Form: &fv})
	if len(errs) > 0 {
		p.Errors = summaryErrors(f, errs, "")
	}
	s.render(w, r, status, "step", p)
}

// raisePost checks the intake's answers through the router: a complete
// set is kept as a draft and shown back to check; problems come back on
// their questions with every answer in place.
func (s *Server) raisePost(w http.ResponseWriter, r *http.Request, sess *session) {
	ctx := r.Context()
	f := s.opts.Router.IntakeForm(ctx, sess.Person)
	values := formValues(r, f)
	reply := s.opts.Router.Handle(ctx, bot.Inbound{Actor: sess.Person, FormKey: bot.FormIntake, Values: values})
	if len(reply.Errors) > 0 && formOf(reply.Messages) == nil {
		s.showForm(w, r, sess, http.StatusBadRequest, f, "/web/raise", s.opts.Router.Cards.SubmitLabel(bot.FormIntake), values, reply.Errors)
		return
	}
	s.raised(w, r, sess, reply)
}

// profilePage asks the profile questions.
func (s *Server) profilePage(w http.ResponseWriter, r *http.Request, sess *session) {
	f := s.opts.Router.ProfileForm(r.Context(), sess.Person)
	s.showForm(w, r, sess, http.StatusOK, f, "/web/profile", s.words().Say("web.profile.save", nil), nil, nil)
}

// profilePost saves the profile through the router.
func (s *Server) profilePost(w http.ResponseWriter, r *http.Request, sess *session) {
	ctx := r.Context()
	f := s.opts.Router.ProfileForm(ctx, sess.Person)
	values := formValues(r, f)
	reply := s.opts.Router.Handle(ctx, bot.Inbound{Actor: sess.Person, FormKey: bot.FormProfile, Values: values})
	if len(reply.Errors) > 0 || (len(reply.Messages) > 0 && reply.Messages[0].Kind == "error") {
		errs := reply.Errors
		if len(errs) == 0 {
			errs = map[string]string{"": reply.Messages[0].Text}
		}
		r.URL.RawQuery = "next=" + urlQueryEscape(r.PostFormValue("next"))
		s.showForm(w, r, sess, http.StatusBadRequest, f, "/web/profile", s.words().Say("web.profile.save", nil), values, errs)
		return
	}
	text := ""
	if len(reply.Messages) > 0 {
		text = strings.Replace(reply.Messages[0].Text, s.words().Say("profile.saved.next", nil), "", 1)
	}
	next := safeNext(r.PostFormValue("next"))
	if next == "" {
		next = Prefix
	}
	s.setFlash(ctx, sess, &flash{Title: s.words().Say("web.profile.saved", nil), Text: text})
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// suggestions are the people offered for a form's person fields: those on
// the person's own cases and their line manager, whom they already know
// of, then the partnership's directory; anyone else is named by typing
// their name or work email. None when the form names nobody.
func (s *Server) suggestions(r *http.Request, sess *session, f *conversation.Form) []optionView {
	asks := false
	for _, fd := range f.Fields {
		asks = asks || fd.Type == conversation.FieldPerson
	}
	if !asks {
		return nil
	}
	ctx := r.Context()
	var ids []string
	if per, err := s.opts.Store.GetPerson(ctx, sess.Person); err == nil && per.ManagerID != "" {
		ids = append(ids, per.ManagerID)
	}
	if cs, err := s.opts.Router.Engine.List(ctx, sess.Person); err == nil {
		for _, c := range cs {
			if c.Involves(sess.Person) {
				ids = append(ids, c.People()...)
			}
		}
	}
	var out []optionView
	seen := map[string]bool{sess.Person: true}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		per, err := s.opts.Store.GetPerson(ctx, id)
		if err != nil || per.Email == "" {
			continue
		}
		out = append(out, optionView{Value: per.Email, Label: per.Name})
	}
	// Then the partnership's directory (contacts at each tier, leads,
	// partnership roles), from the same people search the chat pickers
	// use; a name typed that matches several or none is answered on the
	// form with "Did you mean …?".
	directory, err := s.opts.Router.People.Search(ctx, "", directorySuggestions)
	if err != nil {
		return out
	}
	for _, m := range directory {
		if seen[m.PersonID] || m.Email == "" {
			continue
		}
		seen[m.PersonID] = true
		out = append(out, optionView{Value: m.Email, Label: m.Label()})
	}
	return out
}

// directorySuggestions is how many people of the directory a person field
// offers on the web page, after the people on the person's own cases.
const directorySuggestions = 50
