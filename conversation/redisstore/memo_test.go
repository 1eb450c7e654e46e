package redisstore

import (
	"strconv"
	"testing"

	"github.com/resolvebot/resolvebot/conversation"
)

// The memo never holds more than maxMemo cases, and keeps the newest.
func TestMemoIsBounded(t *testing.T) {
	var m memo
	for i := range maxMemo + 100 {
		id := "CR-2026-" + strconv.Itoa(i)
		m.put(id, "sum", &conversation.Case{ID: id})
	}
	if n := m.len(); n != maxMemo {
		t.Fatalf("memo holds %d cases, want %d", n, maxMemo)
	}
	last := "CR-2026-" + strconv.Itoa(maxMemo+99)
	if e, ok := m.get(last); !ok || e.c.ID != last {
		t.Fatalf("the newest case is not remembered")
	}
	m.forget(last)
	if _, ok := m.get(last); ok {
		t.Fatal("forget kept the case")
	}
}

// sum agrees with Redis's redis.sha1hex: lowercase hex SHA-1.
func TestSumIsSHA1Hex(t *testing.T) {
	if got, want := sum([]byte("abc")), "a9993e364706816aba3e25717850c26c9cd0d89d"; got != want {
		t.Fatalf("sum(abc) = %s, want %s", got, want)
	}
}
