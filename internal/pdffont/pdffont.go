// Package pdffont sets the bot's PDFs in a Unicode TrueType font, so names
// and notes in any of the scripts it covers come out as written: the PDF
// core fonts fpdf falls back on are cp1252, which turned "Łukasz
// Wiśniewski" into ".ukasz Wi.niewski".
//
// The font is DejaVu Sans (regular and bold, from codeberg.org/go-fonts/dejavu,
// free licence: Bitstream Vera and public domain changes), embedded and
// subset into each PDF. It covers the Latin script with its extended
// letters (Polish, Romanian, Turkish, Czech, Lithuanian, Vietnamese…),
// Greek, Cyrillic, Armenian and Georgian. Arabic, Urdu and Hebrew glyphs are
// in the font but fpdf neither joins nor orders right-to-left text, so
// those names are not shown correctly; Indic scripts, Chinese, Japanese,
// Korean and Thai are not in the font (their characters are kept in the
// text, and show as empty boxes).
package pdffont

import (
	"fmt"

	"codeberg.org/go-fonts/dejavu/dejavusans"
	"codeberg.org/go-fonts/dejavu/dejavusansbold"
	"codeberg.org/go-pdf/fpdf"
)

// Family is the font family name to pass to SetFont once Register has run;
// the styles "" (regular) and "B" (bold) exist.
const Family = "DejaVuSans"

// Register adds the regular and bold faces of Family to pdf. Returns an
// error if fpdf cannot read them (which would be a broken build).
func Register(pdf *fpdf.Fpdf) error {
	pdf.AddUTF8FontFromBytes(Family, "", dejavusans.TTF)
	pdf.AddUTF8FontFromBytes(Family, "B", dejavusansbold.TTF)
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("load the PDF font: %w", err)
	}
	return nil
}
