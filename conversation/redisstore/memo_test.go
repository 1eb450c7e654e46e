package redisstore

import (
	"strconv"
	"testing"

	"github.com/resolvebot/resolvebot/conversation"
)

// The memo never holds more than maxMemo cases or maxMemoBytes of them,
// keeps the newest, and keeps its byte count exact through replacements
// and forgetting.
func TestMemoIsBounded(t *testing.T) {
	for _, tc := range []struct {
		name              string
		n, size           int
		wantCases, wantBy int
	}{
		{"by count", maxMemo + 100, 100, maxMemo, maxMemo * 100},
		{"by size", 100, maxMemoBytes / 10, 10, 10 * (maxMemoBytes / 10)},
		{"too big to keep", 3, maxMemoBytes + 1, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var m memo
			var last string
			for i := range tc.n {
				last = "CR-2026-" + strconv.Itoa(i)
				m.put(last, memoEntry{sum: "sum", size: tc.size, c: &conversation.Case{ID: last}})
			}
			if cases, bytes := m.len(); cases != tc.wantCases || bytes != tc.wantBy {
				t.Fatalf("memo holds %d cases, %d bytes; want %d, %d", cases, bytes, tc.wantCases, tc.wantBy)
			}
			if tc.wantCases == 0 {
				return
			}
			if e, ok := m.get(last); !ok || e.c.ID != last {
				t.Fatalf("the newest case is not remembered")
			}
			m.put(last, memoEntry{sum: "sum2", size: 1, c: &conversation.Case{ID: last}}) // replaced, smaller
			if _, bytes := m.len(); bytes != tc.wantBy-tc.size+1 {
				t.Fatalf("after replacing: %d bytes, want %d", bytes, tc.wantBy-tc.size+1)
			}
			m.forget(last)
			if _, ok := m.get(last); ok {
				t.Fatal("forget kept the case")
			}
			if cases, bytes := m.len(); cases != tc.wantCases-1 || bytes != tc.wantBy-tc.size {
				t.Fatalf("after forgetting: %d cases, %d bytes", cases, bytes)
			}
		})
	}
}

// sum agrees with Redis's redis.sha1hex: lowercase hex SHA-1.
func TestSumIsSHA1Hex(t *testing.T) {
	if got, want := sum([]byte("abc")), "a9993e364706816aba3e25717850c26c9cd0d89d"; got != want {
		t.Fatalf("sum(abc) = %s, want %s", got, want)
	}
}
