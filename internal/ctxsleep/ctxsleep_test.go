package ctxsleep

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestSleep(t *testing.T) {
	done, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		name string
		ctx  context.Context
		d    time.Duration
		want error
	}{
		{"waits", context.Background(), time.Millisecond, nil},
		{"nothing to wait", context.Background(), 0, nil},
		{"ended context, no wait", done, 0, context.Canceled},
		{"ended context cuts a long wait", done, time.Hour, context.Canceled},
	} {
		if err := Sleep(tc.ctx, tc.d); !errors.Is(err, tc.want) {
			t.Errorf("%s: Sleep = %v, want %v", tc.name, err, tc.want)
		}
	}
}
