package bot

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/resolvebot/resolvebot/bot/messages"
	"github.com/resolvebot/resolvebot/conversation"
)

var (
	daysPattern    = regexp.MustCompile(`^(\d{1,3}|[a-z]+)(?:\s+working)?(?:\s+days?)?$`)
	isoDate        = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})$`)
	slashDate      = regexp.MustCompile(`^(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?$`)
	dayMonth       = regexp.MustCompile(`^(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([a-z]+)(?:\s+(\d{4}))?$`)
	monthDay       = regexp.MustCompile(`^([a-z]+)\s+(\d{1,2})(?:st|nd|rd|th)?(?:\s+(\d{4}))?$`)
	numberWords    = map[string]int{"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
	weekdayNames   = map[string]time.Weekday{}
	extensionNoise = strings.NewReplacer(",", " ", ".", " ")
)

func init() {
	for d := time.Sunday; d <= time.Saturday; d++ {
		name := strings.ToLower(d.String())
		weekdayNames[name] = d
		weekdayNames[name[:3]] = d
	}
}

// ParseExtension reads how far a person wants a stage deadline moved: a
// number of working days ("3", "3 working days", "three"), or a date ("4
// Dec", "4/12", "2026-12-04", "friday", "next friday"), which
// is turned into the working days from base, the current deadline or now,
// whichever is later. A weekday is the first one after base; a date with no
// year the first one on or after base's day. It returns the working days, or
// EINVALID with a message saying why (a date on a weekend or holiday, not
// after base, too far off, or not read at all), naming the field "days",
// worded as the partnership does. Working days are counted on k.Calendar.
func (k *Cards) ParseExtension(text string, base time.Time) (int, error) {
	cal := k.Calendar
	fail := func(msg conversation.Text) (int, error) {
		fe := conversation.FieldErrors{}
		fe.Add("days", msg)
		return 0, fe.Err()
	}
	target, n, isDays, ok := readDay(text, base, cal)
	switch {
	case !ok:
		return fail(conversation.Msg("extension.unread", nil))
	case isDays:
		return n, nil
	}
	loc := cal.Location()
	base = base.In(loc)
	day := time.Date(base.Year(), base.Month(), base.Day(), 0, 0, 0, 0, loc)
	when := target.Format("Mon 2 Jan 2006")
	switch {
	case !target.After(day):
		return fail(conversation.Msg("extension.not_later", messages.Args{"deadline": base.Format("Mon 2 Jan")}))
	case !cal.IsWorkingDay(target):
		return fail(conversation.Msg("extension.not_working_day", messages.Args{"date": when}))
	}
	n = cal.WorkingDaysUntil(day, target)
	if n > conversation.MaxExtensionDays {
		return fail(conversation.Msg("extension.too_far", messages.Args{"date": when, "days": n, "most": conversation.MaxExtensionDays}))
	}
	return n, nil
}

// extensionDays reads an extension answer for the case: working days, or a
// date counted from the stage deadline (or now, if that has passed). An
// empty answer is 0 with no error (the form's own check asks for it).
// Returns EINVALID with a "days" field message, or the store's error.
func (r *Router) extensionDays(ctx context.Context, caseID, text string) (int, error) {
	if strings.TrimSpace(text) == "" {
		return 0, nil
	}
	base := r.now()
	c, err := r.Store.GetCase(ctx, conversation.NormaliseCaseID(caseID))
	switch {
	case conversation.ErrorCode(err) == conversation.ENOTFOUND:
		// The engine answers for a case that isn't there.
	case err != nil:
		return 0, conversation.Internal("load case for extension", err)
	case c.Current().Deadline.After(base):
		base = c.Current().Deadline
	}
	return r.Cards.ParseExtension(text, base)
}

// readDay reads a number of working days ("3", "3 working days", "three"),
// returned as n, or a day ("4 Dec", "4/12", "2026-12-04", "friday", "next
// friday"), returned as target at midnight in the calendar's zone (isDays
// false): a weekday is the first one after base's day, a date with no year
// the first one on or after it. ok is false when text is neither.
func readDay(text string, base time.Time, cal *conversation.Calendar) (target time.Time, n int, isDays, ok bool) {
	s := strings.Join(strings.Fields(extensionNoise.Replace(strings.ToLower(text))), " ")
	s = strings.TrimPrefix(s, "on ")
	s = strings.TrimPrefix(s, "until ")
	s = strings.TrimPrefix(s, "by ")
	s = strings.TrimPrefix(s, "in ")
	if m := daysPattern.FindStringSubmatch(s); m != nil {
		if n, err := strconv.Atoi(m[1]); err == nil {
			return time.Time{}, n, true, true
		}
		if n, ok := numberWords[m[1]]; ok {
			return time.Time{}, n, true, true
		}
	}
	loc := cal.Location()
	base = base.In(loc)
	day := time.Date(base.Year(), base.Month(), base.Day(), 0, 0, 0, 0, loc)
	withYear := func(y, mo, d int, yearGiven bool) bool {
		if mo < 1 || mo > 12 || d < 1 || d > 31 {
			return false
		}
		if !yearGiven {
			y = day.Year()
		}
		target = time.Date(y, time.Month(mo), d, 0, 0, 0, 0, loc)
		if target.Day() != d { // 31 Nov
			return false
		}
		if !yearGiven && target.Before(day) {
			target = target.AddDate(1, 0, 0)
		}
		return true
	}
	atoi := func(s string) int { n, _ := strconv.Atoi(s); return n }
	switch {
	case isoDate.MatchString(s):
		m := isoDate.FindStringSubmatch(s)
		ok = withYear(atoi(m[1]), atoi(m[2]), atoi(m[3]), true)
	case slashDate.MatchString(s):
		m := slashDate.FindStringSubmatch(s)
		y := atoi(m[3])
		if y > 0 && y < 100 {
			y += 2000
		}
		ok = withYear(y, atoi(m[2]), atoi(m[1]), m[3] != "")
	case dayMonth.MatchString(s):
		m := dayMonth.FindStringSubmatch(s)
		if mo, known := monthNames[m[2]]; known {
			ok = withYear(atoi(m[3]), int(mo), atoi(m[1]), m[3] != "")
		}
	case monthDay.MatchString(s):
		m := monthDay.FindStringSubmatch(s)
		if mo, known := monthNames[m[1]]; known {
			ok = withYear(atoi(m[3]), int(mo), atoi(m[2]), m[3] != "")
		}
	default:
		name := strings.TrimPrefix(strings.TrimPrefix(s, "next "), "this ")
		if wd, known := weekdayNames[name]; known {
			target = day.AddDate(0, 0, 1)
			for target.Weekday() != wd {
				target = target.AddDate(0, 0, 1)
			}
			ok = true
		}
	}
	return target, 0, false, ok
}
