package importfile

import (
	"io"

	"safetynet/internal/tabular"
)

// Decode returns r decoded to UTF-8 and the name of the encoding it found;
// see tabular.Decode.
func Decode(r io.Reader) (io.Reader, string, error) { return tabular.Decode(r) }
