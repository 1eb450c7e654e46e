package main

import (
	"bufio"
	"strconv"
	"strings"
	"testing"
	"time"
)

// sample is one line of a Prometheus text scrape.
type sample struct {
	name   string
	labels string // as written, between the braces
	value  float64
}

// parseScrape reads the samples of a Prometheus text-format scrape.
func parseScrape(body string) []sample {
	var out []sample
	sc := bufio.NewScanner(strings.NewReader(body))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		sp := strings.LastIndexByte(line, ' ')
		if sp < 0 {
			continue
		}
		v, err := strconv.ParseFloat(line[sp+1:], 64)
		if err != nil {
			continue
		}
		name, labels := line[:sp], ""
		if i := strings.IndexByte(name, '{'); i >= 0 {
			name, labels = name[:i], strings.TrimSuffix(name[i+1:], "}")
		}
		out = append(out, sample{name, labels, v})
	}
	return out
}

// find returns the samples named name whose labels include every one of
// labels (each `key="value"`).
func find(samples []sample, name string, labels ...string) []sample {
	var out []sample
next:
	for _, s := range samples {
		if s.name != name {
			continue
		}
		for _, l := range labels {
			if !strings.Contains(s.labels, l) {
				continue next
			}
		}
		out = append(out, s)
	}
	return out
}

// checkScrape waits for a due pass to be recorded, then scrapes the
// admin listener and checks that the bot's own metrics are there with
// plausible values after a whole-bot run that raised cases on Slack and
// answered Teams, and that nothing in the scrape is case text, a child
// reference or a case id (canaries: the texts the run put in its cases).
func checkScrape(t *testing.T, s *server, canaries ...string) {
	t.Helper()
	var body string
	var samples []sample
	for range 100 {
		_, body = get(t, s.client, s.adminURL("/metrics"))
		samples = parseScrape(body)
		if len(find(samples, "resolvebot_cases_open")) > 0 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	atLeast := func(min float64, name string, labels ...string) {
		t.Helper()
		got := find(samples, name, labels...)
		if len(got) == 0 {
			t.Errorf("no %s{%s} in the scrape", name, strings.Join(labels, ","))
			return
		}
		var sum float64
		for _, g := range got {
			sum += g.value
		}
		if sum < min {
			t.Errorf("%s{%s} = %v, want at least %v", name, strings.Join(labels, ","), sum, min)
		}
	}
	atLeast(1, "resolvebot_build_info", `goversion="go1.`)
	atLeast(2, "resolvebot_store_operation_duration_seconds_count", `operation="create_case"`, `outcome="ok"`)
	atLeast(1, "resolvebot_store_operation_duration_seconds_count", `operation="update_case"`, `outcome="ok"`)
	atLeast(1, "resolvebot_store_operation_duration_seconds_count", `operation="ping"`, `outcome="ok"`)
	atLeast(1, "resolvebot_scheduler_pass_duration_seconds_count", `outcome="ok"`)
	atLeast(1, "resolvebot_outbox_deliveries_total", `outcome="delivered"`)
	atLeast(1, "resolvebot_scheduler_last_pass_timestamp_seconds")
	atLeast(1, "resolvebot_platform_call_duration_seconds_count", `platform="slack"`, `method="chat.postMessage"`, `outcome="ok"`)
	atLeast(1, "resolvebot_platform_call_duration_seconds_count", `platform="teams"`, `outcome="ok"`)
	for _, name := range []string{"resolvebot_scheduler_due_backlog", "resolvebot_scheduler_lag_seconds"} {
		if got := find(samples, name); len(got) != 1 || got[0].value != 0 {
			t.Errorf("%s = %v, want one sample of 0 (nothing is due)", name, got)
		}
	}
	open := find(samples, "resolvebot_cases_open")
	if len(find(open, "resolvebot_cases_open", `stage="professional"`)) != 1 || len(find(open, "resolvebot_cases_open", `stage="partnership"`)) != 1 {
		t.Errorf("resolvebot_cases_open lacks a stage: %v", open)
	}
	for _, o := range open {
		if o.value < 0 || o.value > 2 {
			t.Errorf("resolvebot_cases_open{%s} = %v; the run raised 2 cases", o.labels, o.value)
		}
	}
	for _, c := range append(canaries, "CR-20") {
		if strings.Contains(body, c) {
			t.Errorf("the scrape contains %q", c)
		}
	}
}
