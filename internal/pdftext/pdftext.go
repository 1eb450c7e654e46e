// Package pdftext reads back the text of the PDFs the bot writes, so tests
// can check what a reader would see. It uses github.com/ledongthuc/pdf to
// parse the file and walk each page's content stream, and decodes text set
// in fpdf's embedded Unicode fonts itself: fpdf maps every two-byte code to
// the same Unicode code point with one ToUnicode range (<0000> <FFFF>
// <0000>), which ledongthuc/pdf reads as if only the last byte could vary,
// so "Ł" (U+0141) came back as "A". Text in other fonts is decoded by
// ledongthuc/pdf as usual.
package pdftext

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"

	"github.com/ledongthuc/pdf"
)

// identityUCS is the one range of fpdf's ToUnicode map for UTF-8 fonts.
const identityUCS = "<0000> <FFFF> <0000>"

// Pages returns the text of each page of the PDF b, a line for each text
// object (fpdf writes one per cell or line). Returns an error if b is not a
// PDF that can be read.
func Pages(b []byte) (pages []string, err error) {
	defer func() {
		if r := recover(); r != nil { // ledongthuc/pdf panics on malformed content
			pages, err = nil, fmt.Errorf("read pdf: %v", r)
		}
	}()
	rd, err := pdf.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, fmt.Errorf("open pdf: %w", err)
	}
	for i := 1; i <= rd.NumPage(); i++ {
		pages = append(pages, pageText(rd.Page(i)))
	}
	return pages, nil
}

// Text returns the text of every page of the PDF b, page after page.
// Returns an error if b is not a PDF that can be read.
func Text(b []byte) (string, error) {
	pages, err := Pages(b)
	return strings.Join(pages, "\n"), err
}

func pageText(p pdf.Page) string {
	decoders := map[string]func(string) string{}
	for _, name := range p.Fonts() {
		f := p.Font(name)
		if f.V.Key("Encoding").Name() == "Identity-H" && isIdentityUCS(f.V.Key("ToUnicode")) {
			decoders[name] = utf16BE
			continue
		}
		enc := f.Encoder()
		decoders[name] = enc.Decode
	}
	var b strings.Builder
	decode := func(s string) string { return s }
	show := func(v pdf.Value) {
		if v.Kind() == pdf.String {
			b.WriteString(decode(v.RawString()))
		}
	}
	pdf.Interpret(p.V.Key("Contents"), func(stk *pdf.Stack, op string) {
		args := make([]pdf.Value, stk.Len())
		for i := len(args) - 1; i >= 0; i-- {
			args[i] = stk.Pop()
		}
		switch op {
		case "BT", "T*":
			b.WriteString("\n")
		case "Tf":
			if len(args) == 2 {
				if d, ok := decoders[args[0].Name()]; ok {
					decode = d
				}
			}
		case "Tj", "'", "\"":
			if len(args) > 0 {
				show(args[len(args)-1])
			}
		case "TJ":
			if len(args) == 1 {
				for i := 0; i < args[0].Len(); i++ {
					show(args[0].Index(i))
				}
			}
		}
	})
	return b.String()
}

func isIdentityUCS(v pdf.Value) bool {
	if v.Kind() != pdf.Stream {
		return false
	}
	rc := v.Reader()
	defer rc.Close()
	b, err := io.ReadAll(rc)
	return err == nil && bytes.Contains(b, []byte(identityUCS))
}

func utf16BE(s string) string {
	u := make([]uint16, 0, len(s)/2)
	for i := 0; i+1 < len(s); i += 2 {
		u = append(u, uint16(s[i])<<8|uint16(s[i+1]))
	}
	return string(utf16.Decode(u))
}
