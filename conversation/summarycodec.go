package conversation

import (
	"encoding/binary"
	"errors"
	"maps"
	"slices"
)

// summaryFormat is the first byte of a stored summary or summary event:
// the version of the compact binary form below. Varints for numbers and
// lengths, times as Unix nanoseconds (0 for none): a dashboard reading
// thousands of summaries decodes them in microseconds each.
const summaryFormat = 1

// summaryFormatCrossBorder is the first byte of a summary of the form
// above followed by the case's cross-border partnership id (see
// Case.CrossBorderPartnership). Summary events keep summaryFormat.
const summaryFormatCrossBorder = 2

// errSummary is the error of data that is not a summary.
var errSummary = errors.New("not a stored summary")

// sumWriter appends the compact form.
type sumWriter struct{ b []byte }

func (w *sumWriter) int(n int64)  { w.b = binary.AppendVarint(w.b, n) }
func (w *sumWriter) time(t int64) { w.int(t) }
func (w *sumWriter) str(s string) {
	w.b = binary.AppendUvarint(w.b, uint64(len(s)))
	w.b = append(w.b, s...)
}
func (w *sumWriter) bool(v bool) {
	if v {
		w.b = append(w.b, 1)
	} else {
		w.b = append(w.b, 0)
	}
}

func (w *sumWriter) event(e Event) {
	w.int(int64(e.Seq))
	w.str(string(e.Kind))
	w.time(nanos(e.At))
	w.str(e.Stage)
	w.str(string(e.Side))
	w.int(e.Version)
	w.int(int64(len(e.Fields)))
	for _, k := range slices.Sorted(maps.Keys(e.Fields)) {
		w.str(k)
		w.str(e.Fields[k])
	}
}

// sumReader reads the compact form, keeping the first error.
type sumReader struct {
	b   []byte
	err error
}

func (r *sumReader) int() int64 {
	n, k := binary.Varint(r.b)
	if k <= 0 {
		r.err, r.b = errSummary, nil
		return 0
	}
	r.b = r.b[k:]
	return n
}

func (r *sumReader) count() int {
	n := r.int()
	if n < 0 || n > int64(len(r.b)) {
		r.err, r.b = errSummary, nil
		return 0
	}
	return int(n)
}

func (r *sumReader) str() string {
	n, k := binary.Uvarint(r.b)
	if k <= 0 || n > uint64(len(r.b)-k) {
		r.err, r.b = errSummary, nil
		return ""
	}
	s := string(r.b[k : k+int(n)])
	r.b = r.b[k+int(n):]
	return s
}

func (r *sumReader) bool() bool {
	if len(r.b) == 0 {
		r.err = errSummary
		return false
	}
	v := r.b[0] == 1
	r.b = r.b[1:]
	return v
}

func (r *sumReader) event() Event {
	e := Event{Seq: int(r.int()), Kind: EventKind(r.str()), At: fromNanos(r.int()), Stage: r.str(), Side: Side(r.str()), Version: r.int()}
	if n := r.count(); n > 0 {
		e.Fields = make(map[string]string, n)
		for range n {
			k := r.str()
			e.Fields[k] = r.str()
		}
	}
	return e
}
