package bot

import (
	"cmp"
	"context"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

// Match is one person a people search found.
type Match struct {
	// PersonID is the person's id (their lowercased email), the value a
	// person field takes.
	PersonID string
	Name     string
	Email    string
	// Agency is the person's agency key, "" when unknown; AgencyName is
	// its display name.
	Agency     string
	AgencyName string
	// Role says how the directory knows them: "Manager", "Safeguarding
	// lead", "partnership manager"; "" for someone met in chat.
	Role string
	// New is set for a work email nobody has yet: choosing it creates the
	// person with that email, to be reached by email.
	New bool
	// Exact is set when the query named this person in full: their whole
	// name, their email or their id.
	Exact bool
	score int
	use   string // Label of a New match, as the partnership words it
}

// Label is how a match reads in a list of choices: "Priya Shah
// (Children's Social Care)", or "Use jo@nhs.net" for a new email.
func (m Match) Label() string {
	if m.New {
		if m.use != "" {
			return m.use
		}
		return messages.English().Text("people.use_email", messages.Args{"email": m.Email})
	}
	about := plainAgency(m.AgencyName)
	if about == "" {
		about = m.Role
	}
	if about == "" || about == m.Name {
		return m.Name
	}
	return m.Name + " (" + about + ")"
}

// plainAgency drops a trailing "(example)" from an agency's name, so the
// demo directory's agencies read well inside brackets.
func plainAgency(name string) string {
	return strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(name), "(example)"))
}

// Scores of a match, highest first. A query matches a person when every
// word of it matches a word of their name (or, weaker, of their agency
// or role).
const (
	scoreExact     = 100 // the whole name, the email or the id
	scoreWords     = 80  // every word the start of a name word, in order
	scoreSurname   = 75  // one word: the surname in full
	scoreAnyOrder  = 65  // every word the start of a name word
	scoreEmail     = 55  // the start of the email address
	scoreWithRole  = 45  // every word in the name, agency or role
	scoreSubstring = 35  // inside the name
	scoreTypo      = 20  // a slip of a letter or two in a name word
)

// entry is one person the search looks through, with their words folded.
type entry struct {
	Match
	name  []string // folded name words, decoration such as "(example)" dropped
	whole string   // folded name, words joined by one space
	extra []string // folded words of the agency and role
}

// Search finds people for what someone typed at a person question: the
// configured directory (agencies' contacts per tier, safeguarding leads,
// partnership roles) and everyone the bot has met. It matches partial
// names, surnames alone, names without the "(example)" the demo directory
// adds, any case and any accents, and small typing slips, best first, at
// most limit (all when limit <= 0). An empty query lists the configured
// directory. A work email typed in full is the person with it, or a new
// person (Match.New) to be created with it when chosen. Returns EINTERNAL
// when the store cannot list people.
func (p *People) Search(ctx context.Context, query string, limit int) ([]Match, error) {
	query = strings.TrimSpace(query)
	all, err := p.searchEntries(ctx, query == "")
	if err != nil {
		return nil, err
	}
	if query == "" {
		out := make([]Match, 0, len(all))
		for _, e := range all {
			out = append(out, e.Match)
		}
		return firstN(out, limit), nil
	}
	if strings.Contains(query, "@") {
		if addr, err := mail.ParseAddress(query); err == nil && strings.Contains(addr.Address, ".") {
			id := PersonID(addr.Address)
			for _, e := range all {
				if e.PersonID == id || strings.EqualFold(e.Email, id) {
					m := e.Match
					m.Exact = true
					return []Match{m}, nil
				}
			}
			name := cleanName(addr.Name)
			if name == "" {
				name = nameFromEmail(id)
			}
			return []Match{{PersonID: id, Email: id, Name: name, New: true, Exact: true,
				use: p.Say("people.use_email", messages.Args{"email": id})}}, nil
		}
	}
	q := words(query)
	if len(q) == 0 {
		return nil, nil
	}
	folded, whole := fold(query), strings.Join(q, " ")
	var hits []*entry
	for _, e := range all {
		if s := e.score(q, whole, folded); s > 0 {
			e.Match.score = s
			e.Exact = s == scoreExact
			hits = append(hits, e)
		}
	}
	slices.SortFunc(hits, func(a, b *entry) int {
		return cmp.Or(cmp.Compare(b.Match.score, a.Match.score), cmp.Compare(a.whole, b.whole), cmp.Compare(a.PersonID, b.PersonID))
	})
	out := make([]Match, 0, len(hits))
	for _, e := range hits {
		out = append(out, e.Match)
	}
	return firstN(out, limit), nil
}

func firstN(m []Match, limit int) []Match {
	if limit > 0 && len(m) > limit {
		return m[:limit]
	}
	return m
}

// score says how well the query's folded words q (joined: whole; the
// query folded as typed: raw) match the entry, 0 for not at all.
func (e *entry) score(q []string, whole, raw string) int {
	if whole == e.whole || raw == PersonID(e.Email) || raw == e.PersonID {
		return scoreExact
	}
	if inOrder(q, e.name) {
		if len(q) == 1 && len(e.name) > 1 && q[0] == e.name[len(e.name)-1] {
			return scoreSurname
		}
		return scoreWords
	}
	if allPrefix(q, e.name) {
		return scoreAnyOrder
	}
	if len(q) == 1 && e.Email != "" && strings.HasPrefix(PersonID(e.Email), raw) {
		return scoreEmail
	}
	if allPrefix(q, append(slices.Clone(e.name), e.extra...)) && slices.ContainsFunc(q, func(w string) bool { return hasPrefix(e.name, w) }) {
		return scoreWithRole
	}
	if len(whole) >= 3 && strings.Contains(e.whole, whole) {
		return scoreSubstring
	}
	if typos(q, e.name) {
		return scoreTypo
	}
	return 0
}

// inOrder reports whether each query word starts a name word, the name
// words used in order and once each.
func inOrder(q, name []string) bool {
	i := 0
	for _, w := range q {
		for i < len(name) && !strings.HasPrefix(name[i], w) {
			i++
		}
		if i == len(name) {
			return false
		}
		i++
	}
	return true
}

// allPrefix reports whether each query word starts some word of name.
func allPrefix(q, name []string) bool {
	for _, w := range q {
		if !hasPrefix(name, w) {
			return false
		}
	}
	return true
}

func hasPrefix(name []string, w string) bool {
	return slices.ContainsFunc(name, func(n string) bool { return strings.HasPrefix(n, w) })
}

// typos reports whether every query word is a name word (or the start of
// one) with a slip: one letter wrong, missing, extra or two swapped, or two
// such slips in a word of seven letters or more. Words under four letters
// must be typed right.
func typos(q, name []string) bool {
	for _, w := range q {
		n := len([]rune(w))
		allowed := 0
		switch {
		case n >= 7:
			allowed = 2
		case n >= 4:
			allowed = 1
		}
		if !slices.ContainsFunc(name, func(nw string) bool {
			if strings.HasPrefix(nw, w) {
				return true
			}
			if allowed == 0 {
				return false
			}
			// The whole word, or its start as long as the query word.
			if distance(w, nw) <= allowed {
				return true
			}
			r := []rune(nw)
			return len(r) > n && distance(w, string(r[:n])) <= allowed
		}) {
			return false
		}
	}
	return true
}

// distance is the optimal string alignment distance between a and b:
// insertions, deletions, substitutions and swaps of neighbours.
func distance(a, b string) int {
	s, t := []rune(a), []rune(b)
	d := make([][]int, len(s)+1)
	for i := range d {
		d[i] = make([]int, len(t)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(s); i++ {
		for j := 1; j <= len(t); j++ {
			cost := 1
			if s[i-1] == t[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && s[i-1] == t[j-2] && s[i-2] == t[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(s)][len(t)]
}

// letters are the letters whose accent is not a mark that decomposes.
var letters = strings.NewReplacer("ł", "l", "Ł", "l", "ø", "o", "Ø", "o", "đ", "d", "Đ", "d", "ß", "ss", "’", "'")

// fold returns s lowercased, without accents, on one line: "Wiśniewski"
// → "wisniewski".
func fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if !ascii {
		// A chain holds state, so each call has its own.
		out, _, err := transform.String(transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC), s)
		if err == nil {
			s = out
		}
		s = letters.Replace(s)
	}
	return strings.Join(strings.Fields(strings.ToLower(s)), " ")
}

// words returns the folded words of a name or query, dropping the
// "(example)" decoration and the punctuation between words; an apostrophe
// or hyphen inside a name stays ("o'neil", "smith-jones").
func words(s string) []string {
	s = fold(s)
	s = strings.ReplaceAll(s, "(example)", " ")
	return strings.FieldsFunc(s, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' || r == '-')
	})
}

// searchEntries returns everyone the search looks through: the configured
// directory first, in its order, then the people in the store, each once
// (the store's record of a configured person wins for their name and
// agency). With directoryOnly only the configured people are returned.
func (p *People) searchEntries(ctx context.Context, directoryOnly bool) ([]*entry, error) {
	var out []*entry
	byID := map[string]*entry{}
	add := func(m Match) *entry {
		if e, ok := byID[m.PersonID]; ok {
			if e.Role == "" {
				e.Role = m.Role
			}
			return e
		}
		e := &entry{Match: m}
		byID[m.PersonID] = e
		out = append(out, e)
		return e
	}
	for _, a := range p.agencies {
		for _, tier := range tiersOf(a) {
			for _, c := range a.Contacts[tier] {
				add(Match{PersonID: PersonID(c.Email), Name: c.Name, Email: PersonID(c.Email), Agency: a.Key, Role: p.tierRole(tier)})
			}
		}
		for _, c := range a.SafeguardingLeads {
			add(Match{PersonID: PersonID(c.Email), Name: c.Name, Email: PersonID(c.Email), Agency: a.Key, Role: p.Say("people.role.safeguarding_lead", nil)})
		}
	}
	for _, c := range p.partnership {
		role := c.Role
		if role == "" {
			role = "partnership"
		}
		add(Match{PersonID: PersonID(c.Email), Name: c.Name, Email: PersonID(c.Email), Role: upperFirst(role)})
	}
	if !directoryOnly {
		all, err := p.store.ListPeople(ctx)
		if err != nil {
			return nil, conversation.Internal("list people", err)
		}
		for _, per := range all {
			e := add(Match{PersonID: per.ID, Email: per.Email})
			if per.Name != "" {
				e.Name = per.Name
			}
			if per.Agency != "" {
				e.Agency = per.Agency
			}
			if e.Email == "" && strings.Contains(per.ID, "@") {
				e.Email = per.ID
			}
		}
	}
	for _, e := range out {
		if e.Name == "" {
			e.Name = nameFromEmail(e.PersonID)
		}
		e.AgencyName = ""
		if e.Agency != "" {
			e.AgencyName = p.AgencyName(e.Agency)
		}
		e.name = words(e.Name)
		e.whole = strings.Join(e.name, " ")
		e.extra = append(words(e.AgencyName), words(e.Role)...)
	}
	return out, nil
}

// tiersOf lists an agency's contact tiers, most junior first, then any
// others by name.
func tiersOf(a Agency) []string {
	known := []string{conversation.TierProfessional, conversation.TierManager, conversation.TierSeniorManager, conversation.TierLeader}
	var out, rest []string
	for _, t := range known {
		if len(a.Contacts[t]) > 0 {
			out = append(out, t)
		}
	}
	for t := range a.Contacts {
		if !slices.Contains(known, t) {
			rest = append(rest, t)
		}
	}
	slices.Sort(rest)
	return append(out, rest...)
}

// tierRole names a configured contact's tier for a list of people.
func (p *People) tierRole(tier string) string {
	switch tier {
	case conversation.TierProfessional:
		return p.Say("people.role.professional", nil)
	case conversation.TierManager:
		return p.Say("people.role.manager", nil)
	case conversation.TierSeniorManager:
		return p.Say("people.role.senior_manager", nil)
	case conversation.TierLeader:
		return p.Say("people.role.leader", nil)
	}
	return upperFirst(strings.ReplaceAll(tier, "_", " "))
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	return string(unicode.ToUpper(r[0])) + string(r[1:])
}

// suggestions words a "did you mean" for the people a name matched.
func (p *People) suggestions(typed string, found []Match) conversation.Text {
	if len(found) == 1 {
		return conversation.Msg("error.people.did_you_mean", messages.Args{"person": found[0].Label()})
	}
	labels := make([]string, 0, len(found))
	for _, m := range found {
		labels = append(labels, m.Label())
	}
	return conversation.Msg("error.people.several_match", messages.Args{"typed": strconv.Quote(short(typed, 60)), "people": p.wording.orList(labels)})
}

// MatchOf returns person id as a search would show them, for a person
// field's current answer. Returns ENOTFOUND when nobody has the id, and
// EINTERNAL on store failure.
func (p *People) MatchOf(ctx context.Context, id string) (Match, error) {
	per, err := p.store.GetPerson(ctx, id)
	if err != nil {
		if conversation.ErrorCode(err) == conversation.ENOTFOUND {
			return Match{}, err
		}
		return Match{}, conversation.Internal("load person", err)
	}
	m := Match{PersonID: per.ID, Name: per.Name, Email: per.Email, Agency: per.Agency, Exact: true}
	if m.Name == "" {
		m.Name = nameFromEmail(per.ID)
	}
	if m.Agency != "" {
		m.AgencyName = p.AgencyName(m.Agency)
	}
	return m, nil
}
