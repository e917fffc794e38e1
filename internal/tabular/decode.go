package tabular

import (
	"bytes"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// sniffSize is how much of a file Decode inspects to choose its encoding.
const sniffSize = 64 << 10

// Decode returns r decoded to UTF-8, and the name of the encoding it found:
// "UTF-8" (a byte-order mark is removed), "UTF-16LE"/"UTF-16BE" (only with a
// byte-order mark, as Excel's "Unicode text" writes), or "GB18030".
//
// Excel on a Chinese Windows saves CSV in the ANSI code page (GBK, which
// GB18030 extends), while other tools write UTF-8; nothing in the file says
// which. A GBK text of any length is almost never valid UTF-8, so the first
// 64 KiB decide: valid UTF-8 is read as UTF-8, anything else as GB18030.
func Decode(r io.Reader) (io.Reader, string, error) {
	buf := make([]byte, sniffSize)
	n, err := io.ReadFull(r, buf)
	switch err {
	case nil, io.EOF, io.ErrUnexpectedEOF:
	default:
		return nil, "", err
	}
	buf = buf[:n]
	rest := io.MultiReader(bytes.NewReader(buf), r)
	switch {
	case bytes.HasPrefix(buf, []byte{0xEF, 0xBB, 0xBF}):
		return io.MultiReader(bytes.NewReader(buf[3:]), r), "UTF-8", nil
	case bytes.HasPrefix(buf, []byte{0xFF, 0xFE}):
		return transform.NewReader(rest, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()), "UTF-16LE", nil
	case bytes.HasPrefix(buf, []byte{0xFE, 0xFF}):
		return transform.NewReader(rest, unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder()), "UTF-16BE", nil
	}
	check := buf
	if n == sniffSize {
		// The window may end inside a character; judge only whole ones.
		for i := len(check) - 1; i >= 0 && i >= len(check)-utf8.UTFMax; i-- {
			if utf8.RuneStart(check[i]) {
				if !utf8.FullRune(check[i:]) {
					check = check[:i]
				}
				break
			}
		}
	}
	if utf8.Valid(check) {
		return rest, "UTF-8", nil
	}
	return transform.NewReader(rest, simplifiedchinese.GB18030.NewDecoder()), "GB18030", nil
}
