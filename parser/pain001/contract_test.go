// An external test package: parser.Open imports pain001, so pain001 itself
// must not import parser.
package pain001_test

import (
	"github.com/paybatch/paybatch/parser"
	"github.com/paybatch/paybatch/parser/pain001"
)

var _ parser.Reader = (*pain001.Reader)(nil)
