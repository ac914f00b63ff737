package pain001

import "errors"

// Limits against hostile input. A token is held whole in the lexer's buffer
// and every open element costs a little, so without these a single 100 MB
// text node or a million nested elements would cost memory in proportion
// to the file.
const (
	// MaxDepth is the deepest element nesting accepted. The deepest real
	// pain.001 path (an envelope plus structured remittance) is about 15.
	MaxDepth = 64
	// MaxTokenBytes bounds one token: a text node, a tag with its
	// attributes, a comment or a CDATA section.
	MaxTokenBytes = 1 << 20
	// maxNameBytes bounds an element name: open names are kept, and 64
	// levels of megabyte names would be a memory vector of their own.
	maxNameBytes = 256
	// MaxBlocks bounds the PmtInf blocks of one file. Infos keeps every
	// block, so without it a file of empty <PmtInf/> elements would grow
	// memory with its size; real files have a handful, rarely thousands.
	MaxBlocks = 100_000
	// maxTxBytes bounds the text collected for one transaction (repeated
	// Ustrd lines, CDATA sections split into many tokens).
	maxTxBytes = 4 << 20
)

// errTokenTooLarge is returned by the lexer when its buffer would have to
// grow past MaxTokenBytes to hold one token.
var errTokenTooLarge = errors.New("a text node or tag is larger than the limit")
